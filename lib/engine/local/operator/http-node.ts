import { isFulfilled } from "../../../argo/phases";
import { runHttp } from "../http";
import type { Invocation, RunContext } from "./context";

/** Runs an HTTP template; a halt that reaches it aborts the request and fails the node. */
export async function runHttpNode(ctx: RunContext, { node, tmpl, req }: Invocation): Promise<void> {
  const http = tmpl.http;
  if (!http) return;
  const controller = new AbortController();
  const off = ctx.control.onHalt(() => {
    if (!ctx.control.canSchedule(req.onExit)) controller.abort();
  });
  try {
    const outcome = await runHttp(http, controller.signal);
    node.outputs = { result: outcome.body };
    ctx.table.mark(node, outcome.phase, outcome.message ?? "");
  } finally {
    off();
  }
  if (controller.signal.aborted && !isFulfilled(node))
    ctx.table.mark(node, "Failed", ctx.control.haltMessage());
}
