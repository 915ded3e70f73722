import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import type { NodeStatus, Template, Workflow } from "../../../../lib/argo";

/** A scratch directory inside the project (paths under /tmp are mapped into each step's own directory). */
export async function scratchDir(prefix: string): Promise<string> {
  const base = join(process.cwd(), ".skiff", "test");
  await mkdir(base, { recursive: true });
  const dir = await mkdtemp(join(base, `${prefix}-`));
  scratchDirs.push(dir);
  return dir;
}

const scratchDirs: string[] = [];

/** Removes every scratch directory this test file created (call in afterAll). */
export async function removeScratchDirs(): Promise<void> {
  await Promise.all(scratchDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export function workflow(
  name: string,
  templates: Template[],
  extra: Partial<Workflow["spec"]> = {},
): Workflow {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: { generateName: `${name}-` },
    spec: { entrypoint: templates[0]?.name ?? "main", templates, ...extra },
  };
}

export function sh(name: string, script: string, extra: Partial<Template> = {}): Template {
  return { name, container: { image: "alpine:3.23", command: ["sh", "-c"], args: [script] }, ...extra };
}

export function nodeByDisplayName(wf: Workflow, displayName: string): NodeStatus {
  const node = Object.values(wf.status?.nodes ?? {}).find((n) => n.displayName === displayName);
  if (!node) throw new Error(`no node ${displayName} in ${Object.keys(wf.status?.nodes ?? {}).join(", ")}`);
  return node;
}

export function refOf(wf: Workflow): { namespace: string; name: string } {
  return { namespace: wf.metadata.namespace ?? "default", name: wf.metadata.name ?? "" };
}

/** True while a process with this pid exists and is not a zombie. */
export async function alive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const { readFile } = await import("node:fs/promises");
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    return !/^State:\s+Z/m.test(status);
  } catch {
    return false;
  }
}

export async function until(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
