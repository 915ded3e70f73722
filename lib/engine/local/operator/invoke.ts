import type { Inputs, NodeStatus, RetryStrategy, Template } from "../../../argo";
import { failedOrError, isFulfilled } from "../../../argo/phases";
import { mergeTemplateDefaults } from "../../../argo/template-defaults";
import type { NodeType } from "../nodes";
import { needsSubst, substDeep } from "../scope";
import {
  type AttemptExtras,
  type ExecRequest,
  holderFields,
  type Invocation,
  type RunContext,
} from "./context";
import { runDag } from "./dag-runner";
import { runHttpNode } from "./http-node";
import { runPodNode } from "./pod-node";
import { executeWithRetry } from "./retry-loop";
import { runSteps } from "./steps-runner";
import { acquireLocks } from "./synchronization";
import { inputVars, resolveInputs, TemplateError } from "./template-io";

const NO_VARS: Record<string, string> = Object.freeze({});
const NO_LOCKS: ReadonlyArray<() => void> = [];

// Left unsubstituted: sibling references are resolved when a child runs. A constant, so that substDeep remembers
// which objects have no tags.
const KEEP_CHILDREN: ReadonlySet<string> = new Set(["steps", "dag"]);

/**
 * Executes a template invocation as node `req.nodeName` and resolves with the node once it is fulfilled: a node
 * that cannot start is made with its reason, one with a retryStrategy goes through the retry loop.
 */
export async function executeTemplate(ctx: RunContext, req: ExecRequest): Promise<NodeStatus> {
  const existing = ctx.table.byName(req.nodeName);
  // Retry re-executes the tree: fulfilled successful nodes are kept as they are.
  if (existing && isFulfilled(existing) && !failedOrError(existing.phase)) return existing;
  const suspension = ctx.control.suspension(req.onExit);
  if (suspension) await suspension;
  let tmpl: Template;
  let inputs: Inputs;
  let vars: Record<string, string>;
  try {
    tmpl = resolveTemplate(ctx, req);
    const args = req.args ? substDeep(req.args, ctx.globals.vars) : undefined;
    inputs = resolveInputs(tmpl, args, ctx.globals.artifacts, ctx.globals.vars);
    // Variables for substitution: a leaf template without tags (most) has no use for them.
    const needsVars = retryStrategyOf(ctx, tmpl) || tmpl.steps || tmpl.dag || needsSubst(tmpl, KEEP_CHILDREN);
    vars = needsVars ? inputVars(ctx.globals.vars, tmpl, inputs) : NO_VARS;
    // SubstituteParams' second pass covers the inputs too: a value naming another input is resolved, and the
    // template's children see the resolved values (executeSteps/executeDAG build their scope from the inputs).
    const resolved = substDeep(inputs, vars);
    if (resolved !== inputs) {
      inputs = resolved;
      vars = inputVars(ctx.globals.vars, tmpl, inputs);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const node = ctx.table.init(req.nodeName, "Skipped", {
      boundaryId: req.boundaryId,
      ...holderFields(req),
      phase: "Error",
      message,
      hooked: req.hooked,
    });
    ctx.templateErrors.set(node, message);
    return node;
  }
  // A Retry node is made even after a halt: its attempt is what the halt stops (processNodeRetries words it).
  if (retryStrategyOf(ctx, tmpl)) {
    return executeWithRetry(ctx, req, tmpl, inputs, vars, (name, attemptVars, extras) =>
      executeAttempt(ctx, name, { ...req, hooked: false }, tmpl, inputs, attemptVars, extras),
    );
  }
  if (!ctx.control.canSchedule(req.onExit)) {
    const type = templateType(tmpl);
    return ctx.table.init(req.nodeName, type, {
      boundaryId: req.boundaryId,
      ...holderFields(req),
      phase: "Failed",
      message: type === "Pod" ? ctx.control.podHaltMessage() : ctx.control.haltMessage(),
      hooked: req.hooked,
    });
  }
  return executeAttempt(ctx, req.nodeName, req, tmpl, inputs, vars, {});
}

/** One attempt: the template substituted with its inputs, run as node `nodeName` by the runner of its type. */
async function executeAttempt(
  ctx: RunContext,
  nodeName: string,
  req: ExecRequest,
  rawTmpl: Template,
  inputs: Inputs,
  vars: Record<string, string>,
  extras: AttemptExtras,
): Promise<NodeStatus> {
  // Substitute the template with its inputs; references to siblings (steps./tasks./item) stay for later.
  const tmpl: Template = {
    ...substDeep(rawTmpl, vars, KEEP_CHILDREN),
    ...(rawTmpl.inputs ? { inputs } : {}),
  };
  const type = templateType(tmpl);
  const startPhase = type === "Pod" ? "Pending" : "Running";
  const node = ctx.table.init(nodeName, type, {
    boundaryId: req.boundaryId,
    ...holderFields(req),
    phase: startPhase,
    hooked: req.hooked,
    retried: extras.retried,
    ...(tmpl.annotations?.["workflows.argoproj.io/display-name"]
      ? { displayName: tmpl.annotations["workflows.argoproj.io/display-name"] }
      : {}),
  });
  if (node.phase !== "Pending" && node.phase !== "Running") ctx.table.mark(node, startPhase, "");
  if (inputs.parameters?.length || inputs.artifacts?.length) node.inputs = inputs;
  const releases = !tmpl.synchronization
    ? NO_LOCKS
    : await acquireLocks(ctx, tmpl.synchronization, (key) => {
        ctx.table.mark(node, "Pending", `Waiting for ${key} lock. Lock status: 0/1`);
        node.synchronizationStatus = { waiting: key };
      });
  if (node.synchronizationStatus) {
    delete node.synchronizationStatus;
    ctx.table.mark(node, startPhase, "");
  }
  const invocation: Invocation = { node, tmpl, vars, req, extras };
  try {
    switch (type) {
      case "Steps":
        await runSteps(ctx, invocation);
        break;
      case "DAG":
        await runDag(ctx, invocation);
        break;
      case "Suspend":
        await ctx.suspends.run(invocation);
        break;
      case "HTTP":
        await runHttpNode(ctx, invocation);
        break;
      default:
        await runPodNode(ctx, invocation);
    }
  } catch (error) {
    if (!isFulfilled(node)) {
      const message = error instanceof Error ? error.message : String(error);
      ctx.table.mark(node, "Error", message);
      ctx.templateErrors.set(node, message);
    }
  } finally {
    for (const release of releases) release();
  }
  ctx.globals.addOutputs(node.outputs, ctx.wf.status ?? {});
  return node;
}

/** Inline templates with the workflow's templateDefaults merged in, made once per inline template. */
const mergedInline = new WeakMap<Template, Template>();

function resolveTemplate(ctx: RunContext, req: ExecRequest): Template {
  if (req.inline) {
    let merged = mergedInline.get(req.inline);
    if (!merged) {
      merged = mergeTemplateDefaults(ctx.wf.spec.templateDefaults, req.inline);
      mergedInline.set(req.inline, merged);
    }
    return merged;
  }
  // Named templates were merged with templateDefaults when the execution began (RunContext).
  const named = ctx.lookup(req.scope, req.templateName, req.templateRef);
  if (named) return named;
  const ref = req.templateRef;
  throw new TemplateError(
    ref
      ? `template ${ref.template ?? ""} not found in workflow template ${ref.name ?? ""}`
      : `template ${req.templateName ?? "(none)"} not found`,
  );
}

/** The template's retryStrategy, else the workflow's `spec.retryStrategy` (operator.go, retryStrategy()). */
function retryStrategyOf(ctx: RunContext, t: Template): RetryStrategy | undefined {
  return t.retryStrategy ?? ctx.wf.spec.retryStrategy;
}

function templateType(t: Template): NodeType {
  if (t.steps) return "Steps";
  if (t.dag) return "DAG";
  if (t.suspend) return "Suspend";
  if (t.http) return "HTTP";
  return "Pod";
}
