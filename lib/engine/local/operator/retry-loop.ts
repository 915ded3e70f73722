import type { Inputs, NodeStatus, RetryStrategy, Template } from "../../../argo";
import { evaluateExpr } from "../../../argo/expr";
import { intOrStringValue } from "../../../argo/intstr";
import { failedOrError, type NodePhase } from "../../../argo/phases";
import { subst } from "../scope";
import { humanDuration, parseDurationMs } from "../time";
import { type AttemptExtras, type ExecRequest, holderFields, type RunContext } from "./context";

/** Runs one attempt as node `name` with the template's variables plus `retries`. */
export type Attempt = (
  name: string,
  vars: Record<string, string>,
  extras: AttemptExtras,
) => Promise<NodeStatus>;

/**
 * Argo's retryStrategy: a Retry node whose children `<name>(0)`, `<name>(1)`, … are the attempts, until one
 * succeeds or the limit, policy, expression, maxDuration or a halt stops it; backoff between attempts.
 */
export async function executeWithRetry(
  ctx: RunContext,
  req: ExecRequest,
  tmpl: Template,
  inputs: Inputs,
  vars: Record<string, string>,
  attempt: Attempt,
): Promise<NodeStatus> {
  // A template without its own retryStrategy takes the workflow's (operator.go, retryStrategy()).
  const strategy = tmpl.retryStrategy ?? ctx.wf.spec.retryStrategy ?? {};
  const node = ctx.table.init(req.nodeName, "Retry", {
    boundaryId: req.boundaryId,
    ...holderFields(req),
    phase: "Running",
    hooked: req.hooked,
  });
  if (inputs.parameters?.length || inputs.artifacts?.length) node.inputs = inputs;
  // Resolved when an attempt failed, as processNodeRetries does (intstr.Int32 of the substituted limit).
  const limitOf = () =>
    strategy.limit === undefined || strategy.limit === null
      ? Number.POSITIVE_INFINITY
      : intOrStringValue(typeof strategy.limit === "number" ? strategy.limit : subst(strategy.limit, vars));
  const backoff = strategy.backoff;
  const firstStart = Date.now();
  // A bad maxDuration only shows once an attempt failed, as processNodeRetries reads it then.
  let maxDuration: number | undefined;
  let maxDurationError: unknown;
  try {
    maxDuration = backoff?.maxDuration
      ? parseDurationMs(subst(String(backoff.maxDuration), vars))
      : undefined;
  } catch (error) {
    maxDurationError = error;
  }
  // processNodeRetries' errors mark the Retry node Error with their message (operator.go, executeTemplate).
  // They are executeTemplate's errors too: the caller words them (deemed errored, entry template execution).
  const errored = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    ctx.table.mark(node, "Error", message);
    ctx.templateErrors.set(node, message);
    return node;
  };
  for (let n = 0; ; n++) {
    const childName = `${req.nodeName}(${n})`;
    ctx.table.addChild(req.nodeName, childName);
    const child = await attempt(
      childName,
      { ...vars, retries: String(n) },
      { retries: n, retried: true, ...(maxDuration ? { maxDeadline: firstStart + maxDuration } : {}) },
    );
    if (!failedOrError(child.phase)) {
      if (child.outputs) node.outputs = child.outputs;
      ctx.table.mark(node, (child.phase as NodePhase) ?? "Succeeded", "");
      return node;
    }
    const stop = (message: string) => {
      if (child.outputs) node.outputs = child.outputs;
      ctx.table.mark(node, child.phase as NodePhase, message);
      return node;
    };
    if (!ctx.control.canSchedule(req.onExit)) return stop(haltStop(ctx, child));
    if (maxDurationError !== undefined) return errored(maxDurationError);
    if (!policyAllows(strategy, child)) return stop(child.message ?? "No more retries left");
    let limit: number;
    try {
      limit = limitOf();
    } catch (error) {
      return errored(error);
    }
    if (n >= limit) return stop("No more retries left");
    if (strategy.expression && !expressionAllows(strategy.expression, child, n)) {
      return stop("retryStrategy.expression evaluated to false");
    }
    if (maxDuration !== undefined && Date.now() - firstStart >= maxDuration) {
      return stop("Max duration limit exceeded");
    }
    if (backoff?.duration !== undefined) {
      let wait: number;
      try {
        wait = backoffMs(backoff, n, vars);
      } catch (error) {
        return errored(error);
      }
      if (maxDuration !== undefined && Date.now() + wait - firstStart > maxDuration) {
        return stop("Backoff would exceed max duration limit");
      }
      ctx.table.mark(node, "Running", `Backoff for ${humanDuration(wait)}`);
      await ctx.control.sleep(wait, req.onExit);
      ctx.table.mark(node, "Running", "");
      if (!ctx.control.canSchedule(req.onExit)) return stop(haltStop(ctx, child));
    }
  }
}

/** Why a Retry node stops on a halt: a shutdown is named (processNodeRetries), the deadline leaves the attempt's. */
function haltStop(ctx: RunContext, child: NodeStatus): string {
  const kind = ctx.control.halted?.kind;
  if (kind === "Stop" || kind === "Terminate") return `Stopped with strategy '${kind}'`;
  return child.message ?? ctx.control.haltMessage();
}

/** `retryPolicy` (Always when only an expression is given, else OnFailure) against a failed attempt. */
function policyAllows(strategy: RetryStrategy, child: NodeStatus): boolean {
  const policy = strategy.retryPolicy ?? (strategy.expression ? "Always" : "OnFailure");
  const phase = child.phase;
  return (
    policy === "Always" ||
    (policy === "OnFailure" && phase === "Failed") ||
    (policy === "OnError" && phase === "Error") ||
    (policy === "OnTransientError" && /transient|timeout|connection reset|EOF/i.test(child.message ?? ""))
  );
}

/** `retryStrategy.expression` over `lastRetry` and `retries`; an expression that fails to evaluate is false. */
function expressionAllows(expression: string, child: NodeStatus, retries: number): boolean {
  const started = child.startedAt ? Date.parse(child.startedAt) : Date.now();
  const finished = child.finishedAt ? Date.parse(child.finishedAt) : Date.now();
  const env = {
    lastRetry: {
      exitCode: child.outputs?.exitCode ?? "-1",
      status: child.phase,
      duration: String(Math.round((finished - started) / 1000)),
      message: child.message ?? "",
    },
    retries: String(retries),
  };
  try {
    return evaluateExpr(expression, env) === true;
  } catch {
    return false;
  }
}

/** The wait before attempt `n + 1`: duration × factor^n, at most `cap`. */
function backoffMs(
  backoff: NonNullable<RetryStrategy["backoff"]>,
  n: number,
  vars: Record<string, string>,
): number {
  const base = parseDurationMs(subst(String(backoff.duration), vars));
  const factor =
    backoff.factor === undefined || backoff.factor === null
      ? 0
      : intOrStringValue(typeof backoff.factor === "number" ? backoff.factor : subst(backoff.factor, vars));
  const wait = factor > 0 ? base * factor ** n : base;
  return backoff.cap !== undefined ? Math.min(wait, parseDurationMs(subst(String(backoff.cap), vars))) : wait;
}
