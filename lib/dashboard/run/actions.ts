import type { RunStatus, StepRecord } from "../../ports/run-store";

/** The actions on a run, each one `POST /runs/{runId}/<action>`. */
export type RunActionName = "stop" | "terminate" | "retry" | "resubmit" | "resume";

export interface RunActionInfo {
  name: RunActionName;
  label: string;
  /** Destroys work or a record, so the view asks first; the text says what will happen. */
  confirm?: string;
  /** What the button's tooltip says it does. */
  help: string;
}

const ACTIONS: Record<RunActionName, RunActionInfo> = {
  stop: {
    name: "stop",
    label: "Stop",
    help: "Stop the running steps; exit handlers still run (argo stop)",
    confirm: "Its running steps are stopped and the run ends as Failed; exit handlers still run.",
  },
  terminate: {
    name: "terminate",
    label: "Terminate",
    help: "Stop everything at once, exit handlers included (argo terminate)",
    confirm: "Everything stops at once, and exit handlers are skipped.",
  },
  retry: {
    name: "retry",
    label: "Retry",
    help: "Run the failed steps again in this run (argo retry)",
    confirm: "Its failed steps are reset and run again; their current records are replaced.",
  },
  resubmit: {
    name: "resubmit",
    label: "Resubmit",
    help: "Start a new run with the same spec and parameters (argo resubmit)",
  },
  resume: {
    name: "resume",
    label: "Resume",
    help: "Resume the suspended steps (argo resume)",
  },
};

const ACTIVE: readonly RunStatus[] = ["Pending", "Running"];
const RETRYABLE: readonly RunStatus[] = ["Failed", "Error", "Stopped", "Terminated"];

/** Is a step waiting to be resumed (a suspend step still running)? */
export const isSuspended = (step: StepRecord): boolean => step.type === "Suspend" && step.phase === "Running";

/**
 * The actions that apply to a run now: stop and terminate while it is active (resume too when a step is
 * suspended); retry after a failure; resubmit once it has finished.
 */
export function actionsFor(run: { status: RunStatus; steps?: StepRecord[] }): RunActionInfo[] {
  const names: RunActionName[] = [];
  if (ACTIVE.includes(run.status)) {
    if ((run.steps ?? []).some(isSuspended)) names.push("resume");
    names.push("stop", "terminate");
  } else {
    if (RETRYABLE.includes(run.status)) names.push("retry");
    names.push("resubmit");
  }
  return names.map((name) => ACTIONS[name]);
}

export const actionInfo = (name: RunActionName): RunActionInfo => ACTIONS[name];

/** The route of an action. */
export const actionPath = (runId: string, action: RunActionName): string =>
  `/runs/${encodeURIComponent(runId)}/${action}`;
