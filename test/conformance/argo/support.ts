import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { NodeStatus, Workflow } from "../../../lib/argo";
import { parseSpecs } from "../../../lib/compiler/spec-file";
import type { LocalEngine } from "../../../lib/engine/local";

/** The shared conformance material, resolved from the project root. */
export const CONFORMANCE_DIR = fileURLToPath(
  new URL("../../../../shared/conformance/argo/", import.meta.url),
);

export interface ManifestRow {
  file: string;
  kind: string;
  needsCluster: boolean;
  expectedPhase: string;
  notes: string;
}

export function readManifest(): ManifestRow[] {
  const lines = readFileSync(`${CONFORMANCE_DIR}MANIFEST.tsv`, "utf8").trim().split("\n");
  const header = (lines.shift() ?? "").split("\t");
  const col = (name: string) => header.indexOf(name);
  return lines.map((line) => {
    const cells = line.split("\t");
    return {
      file: cells[col("file")] ?? "",
      kind: cells[col("kind")] ?? "",
      needsCluster: cells[col("needs_cluster_feature")] === "yes",
      expectedPhase: cells[col("expected_phase")] ?? "",
      notes: cells[col("notes")] ?? "",
    };
  });
}

export function loadExample(file: string): Workflow {
  const text = readFileSync(`${CONFORMANCE_DIR}examples/${file}`, "utf8");
  // Read as `skiff run --local` reads it (as leniently as Argo).
  return parseSpecs(text, file).documents[0] as Workflow;
}

/** Polls until `pick` finds something in the workflow (or it completes). */
export async function waitFor<T>(
  engine: LocalEngine,
  ref: { namespace: string; name: string },
  pick: (wf: Workflow) => T | undefined,
  timeoutMs = 60_000,
): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const wf = await engine.get(ref);
    if (!wf) return undefined;
    const found = pick(wf);
    if (found !== undefined) return found;
    if (wf.metadata.labels?.["workflows.argoproj.io/completed"] === "true") return undefined;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

export function activeSuspend(wf: Workflow, displayName: string): NodeStatus | undefined {
  return Object.values(wf.status?.nodes ?? {}).find(
    (n) => n.type === "Suspend" && n.phase === "Running" && n.displayName === displayName,
  );
}

/**
 * The node tree in a comparable form: one line per node, `name|displayName|type|phase|children`, with the
 * workflow name replaced by `@` and children given by name, sorted by name.
 */
export function treeOf(wf: Workflow): string[] {
  const name = wf.metadata.name ?? "";
  const nodes = wf.status?.nodes ?? {};
  const rel = (s: string) => (s.startsWith(name) ? `@${s.slice(name.length)}` : s);
  return Object.values(nodes)
    .map((n) => {
      const children = (n.children ?? [])
        .map((id) => nodes[id]?.name ?? `?${id}`)
        .map(rel)
        .sort()
        .join(",");
      return `${rel(n.name)}|${rel(n.displayName ?? "")}|${n.type}|${n.phase}|${children}`;
    })
    .sort();
}

/**
 * Examples whose outcome is a random draw Argo's own suite accepts as Succeeded: each attempt fails with
 * probability 2/3 and a retried step gets 11 attempts, so one step exhausts them about 1 run in 86
 * (retry-with-steps has three such steps: about 1 run in 29). Such a run still proves the semantics when
 * some retried step made every attempt and each one failed; the tests accept exactly that and nothing else.
 * retry-backoff also has a time budget (`maxDuration: 1m`, 42 s of it backoff when all 11 attempts run): on
 * a loaded host a long losing streak runs out of it first, which Argo reports as the backoff exceeding the
 * limit; that draw is accepted too, when every attempt made failed.
 */
const RANDOM_RETRY_EXAMPLES: Record<string, number> = {
  "retry-script.yaml": 10,
  "retry-container.yaml": 10,
  "retry-backoff.yaml": 10,
  "retry-with-steps.yaml": 10,
};

/**
 * Argo's messages on a retry node that ran out of `backoff.maxDuration`: its next backoff would pass it, or (on a
 * slow machine) an attempt already ran past it.
 */
export const MAX_DURATION_MESSAGES = [
  "Backoff would exceed max duration limit",
  "Max duration limit exceeded",
];

export function exhaustedRandomRetries(file: string, wf: Workflow): boolean {
  const limit = RANDOM_RETRY_EXAMPLES[file];
  if (limit === undefined || wf.status?.phase !== "Failed") return false;
  const nodes = wf.status?.nodes ?? {};
  return Object.values(nodes).some((retry) => {
    if (retry.type !== "Retry" || retry.phase !== "Failed") return false;
    const attempts = (retry.children ?? []).map((id) => nodes[id]);
    const allFailed = attempts.length > 0 && attempts.every((n) => n?.phase === "Failed" && n.type === "Pod");
    const outOfTime = MAX_DURATION_MESSAGES.includes(retry.message ?? "") && file === "retry-backoff.yaml";
    return allFailed && (attempts.length === limit + 1 || outOfTime);
  });
}
