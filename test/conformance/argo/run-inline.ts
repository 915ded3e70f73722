import type { NodeStatus, Workflow } from "../../../lib/argo";
import type { LocalEngine } from "../../../lib/engine/local";
import { parseYaml } from "../../support/yaml";

/**
 * Submits an inline Workflow (YAML text) and resolves with it once it completed; `drive` acts on it while it runs
 * (stop, terminate).
 */
export async function runInline(
  engine: LocalEngine,
  yaml: string,
  runId = "fidelity",
  drive?: (ref: { namespace: string; name: string }) => Promise<void>,
): Promise<Workflow> {
  const submitted = await engine.submit(parseYaml(yaml) as Workflow, { runId });
  const ref = { namespace: submitted.metadata.namespace ?? "default", name: submitted.metadata.name ?? "" };
  const driving = drive ? drive(ref) : Promise.resolve();
  const wf = await engine.wait(ref);
  await driving;
  return wf;
}

/** The node whose name is the workflow's name followed by `suffix`, if there is one. */
export function findNode(wf: Workflow, suffix: string): NodeStatus | undefined {
  const name = `${wf.metadata.name ?? ""}${suffix}`;
  return Object.values(wf.status?.nodes ?? {}).find((n) => n.name === name);
}

/** The node whose name is the workflow's name followed by `suffix` ("" for the entrypoint node). */
export function nodeNamed(wf: Workflow, suffix: string): NodeStatus {
  const node = findNode(wf, suffix);
  const name = `${wf.metadata.name ?? ""}${suffix}`;
  if (!node)
    throw new Error(`no node ${name} in ${Object.values(wf.status?.nodes ?? {}).map((n) => n.name)}`);
  return node;
}

/** `name|type|phase|message` of every node, the workflow name replaced by `@`, sorted by name. */
export function nodeLines(wf: Workflow): string[] {
  const name = wf.metadata.name ?? "";
  return Object.values(wf.status?.nodes ?? {})
    .map(
      (n) => `${n.name.replace(name, "@")}|${n.type}|${n.phase}|${(n.message ?? "").replaceAll(name, "@")}`,
    )
    .sort();
}
