import type { NodeStatus, Parameter } from "../../../argo";
import { isFulfilled, type NodePhase } from "../../../argo/phases";
import { parseDurationMs } from "../time";
import type { Invocation, RunContext } from "./context";
import { TemplateError } from "./template-io";

/** Suspend templates: each waits for its duration, a resume (Argo's resume / `node set`) or a halt. */
export class SuspendNodes {
  /** What wakes the waiting suspend nodes, by node id. */
  private readonly waiters = new Map<string, () => void>();

  constructor(private readonly ctx: RunContext) {}

  /** Active suspend nodes (type Suspend, phase Running). */
  active(): NodeStatus[] {
    return Object.values(this.ctx.table.nodes).filter((n) => n.type === "Suspend" && n.phase === "Running");
  }

  /**
   * Resumes a suspend node: supplied outputs take `values`, else `valueFrom.default`, else the same-named input's
   * default. Throws before changing anything when one has no value.
   */
  resume(
    node: NodeStatus,
    values: Record<string, string> = {},
    phase: NodePhase = "Succeeded",
    message?: string,
  ): void {
    const tmpl = this.ctx.templateOf(node);
    for (const name of Object.keys(values)) {
      if (!tmpl?.outputs?.parameters?.some((p) => p.name === name && p.valueFrom?.supplied)) {
        throw new TemplateError(`the suspend step takes no output parameter '${name}'`);
      }
    }
    const params: Parameter[] = [];
    for (const p of tmpl?.outputs?.parameters ?? []) {
      if (!p.valueFrom?.supplied) continue;
      const input = node.inputs?.parameters?.find((i) => i.name === p.name);
      const value = values[p.name] ?? p.valueFrom.default ?? input?.value ?? input?.default;
      if (value === undefined) {
        throw new TemplateError(
          `raw output parameter '${p.name}' has not been set and does not have a default value`,
        );
      }
      params.push({
        name: p.name,
        value,
        valueFrom: { supplied: {} },
        ...(p.globalName ? { globalName: p.globalName } : {}),
      });
    }
    if (params.length) node.outputs = { ...node.outputs, parameters: params };
    this.ctx.table.mark(node, phase, message ?? (phase === "Succeeded" ? "Resumed by: local engine" : ""));
    this.waiters.get(node.id)?.();
  }

  /** Runs a suspend node until its duration passes, it is resumed, or a halt that reaches it fails it. */
  async run({ node, tmpl, req }: Invocation): Promise<void> {
    const { table, control } = this.ctx;
    const duration = tmpl.suspend?.duration;
    // As Argo's addRawOutputFields: a waiting node shows the outputs it expects to be supplied (what
    // `argo node set -p` checks names against), a missing default taken from the same-named input's.
    const raw = (tmpl.outputs?.parameters ?? [])
      .filter((p) => p.valueFrom?.supplied)
      .map((p) => {
        const inputDefault = tmpl.inputs?.parameters?.find((i) => i.name === p.name)?.default;
        const valueFrom = { ...p.valueFrom };
        if (valueFrom.default === undefined && inputDefault !== undefined) valueFrom.default = inputDefault;
        return { ...p, valueFrom };
      });
    if (raw.length > 0) node.outputs = { ...node.outputs, parameters: raw };
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        if (timer) clearTimeout(timer);
        off();
        this.waiters.delete(node.id);
        resolve();
      };
      this.waiters.set(node.id, finish);
      const off = control.onHalt(() => {
        if (!control.canSchedule(req.onExit) && !isFulfilled(node)) {
          table.mark(node, "Failed", control.haltMessage());
          finish();
        }
      });
      if (duration !== undefined) {
        const startedAt = node.startedAt ? Date.parse(node.startedAt) : Date.now();
        const ms = Math.max(0, startedAt + parseDurationMs(duration) - Date.now());
        timer = setTimeout(() => {
          if (isFulfilled(node)) return finish();
          try {
            this.resume(node, {}, "Succeeded", "");
          } catch (error) {
            // Argo's executeSuspend returns this error: the caller words it into its own node's message.
            const message = error instanceof Error ? error.message : String(error);
            table.mark(node, "Error", message);
            this.ctx.templateErrors.set(node, message);
          }
          finish();
        }, ms);
      }
      if (!control.canSchedule(req.onExit)) {
        table.mark(node, "Failed", control.haltMessage());
        finish();
      }
    });
    if (node.phase === "Running") table.mark(node, "Succeeded");
  }
}
