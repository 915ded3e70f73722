import type { Artifact, Outputs, WorkflowStatus } from "../../../argo";
import { newScope, type Scope } from "../scope";

/** The workflow-wide variables (`workflow.*`) and the global outputs steps export with `globalName`. */
export class WorkflowGlobals {
  readonly vars: Record<string, string> = {};
  readonly artifacts: Record<string, Artifact> = {};

  /** A fresh scope of the workflow variables and global artifacts. */
  scope(): Scope {
    return newScope(this.vars, this.artifacts);
  }

  /** Publishes a node's outputs that have a `globalName`, as variables and in `status.outputs`. */
  addOutputs(outputs: Outputs | undefined, status: WorkflowStatus): void {
    if (!outputs) return;
    for (const p of outputs.parameters ?? []) {
      if (!p.globalName || p.value === undefined) continue;
      this.vars[`workflow.outputs.parameters.${p.globalName}`] = p.value;
      status.outputs ??= {};
      const list = (status.outputs.parameters ?? []).filter((x) => x.name !== p.globalName);
      list.push({ name: p.globalName, value: p.value });
      status.outputs.parameters = list;
    }
    for (const a of outputs.artifacts ?? []) {
      if (!a.globalName) continue;
      this.artifacts[`workflow.outputs.artifacts.${a.globalName}`] = a;
      status.outputs ??= {};
      const list = (status.outputs.artifacts ?? []).filter((x) => x.name !== a.globalName);
      list.push({ ...a, name: a.globalName });
      status.outputs.artifacts = list;
    }
  }
}
