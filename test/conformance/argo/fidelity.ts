import { parse } from "yaml";
import type { NodeStatus, Workflow } from "../../../lib/argo";
import type { LocalEngine } from "../../../lib/engine/local";

let runs = 0;

/** Runs an inline workflow (YAML text) to its end; `drive` acts on it while it runs (stop, terminate). */
export async function runInline(
  engine: LocalEngine,
  yaml: string,
  drive?: (ref: { namespace: string; name: string }) => Promise<void>,
): Promise<Workflow> {
  const submitted = await engine.submit(parse(yaml) as Workflow, { runId: `fidelity-${++runs}` });
  const ref = { namespace: submitted.metadata.namespace ?? "default", name: submitted.metadata.name ?? "" };
  const driving = drive ? drive(ref) : Promise.resolve();
  const wf = await engine.wait(ref);
  await driving;
  return wf;
}

/** The node whose name is the workflow's name followed by `suffix` (`""` for the root). */
export function node(wf: Workflow, suffix: string): NodeStatus | undefined {
  const name = `${wf.metadata.name ?? ""}${suffix}`;
  return Object.values(wf.status?.nodes ?? {}).find((n) => n.name === name);
}

/** `name-suffix|type|phase|message` of every node, sorted: a node tree compared as Argo would print it. */
export function summary(wf: Workflow): string[] {
  const prefix = wf.metadata.name ?? "";
  return Object.values(wf.status?.nodes ?? {})
    .map((n) => `${n.name.slice(prefix.length) || "@"}|${n.type}|${n.phase}|${n.message ?? ""}`)
    .sort();
}
