import { ulid } from "ulid";
import type { CronWorkflow, Workflow } from "../argo";
import { workflowFromCron } from "../argo/cron";
import { namespacePolicy } from "../compiler/lint/namespaces";
import { LABEL_PIPELINE, LABEL_RUN_ID, LABEL_VERSION } from "../engine/labels";
import type { WorkflowRef } from "../ports/engine";
import { WorkflowRejectedError } from "../ports/engine-errors";
import type { PipelineVersion } from "../ports/pipeline-store";
import type { RunRecord, StepRecord } from "../ports/run-store";
import { keys } from "../ports/spec-store";
import { isTerminal } from "../runs/status";
import { readStepLogs } from "../runs/step-logs";
import { snapshotOf } from "../runs/workflow-mapping";
import type { ApiDeps } from "./deps";
import { ApiError, badRequest, conflict, type ErrorDetail, notFound } from "./errors";
import { type ApiRequest, type ApiResponse, json, jsonBody } from "./http";
import { cacheFor } from "./immutable-cache";
import { applyRunOverrides } from "./overrides";
import { pipelineNameParam, runIdParam } from "./params";
import { pageBody, pageQueryInto } from "./query";
import { isoTime, runFilters } from "./run-filters";
import { idempotencyKeyHeader, parseRunRequest, type RunRequest, resolveParameters } from "./run-request";
import { parseStoredSpec } from "./stored-spec";
import { checkSpecNamespace, checkSpecServiceAccounts } from "./submit-check";

export const runLinks = (run: Pick<RunRecord, "runId" | "pipeline" | "version">) => ({
  self: `/runs/${run.runId}`,
  logs: `/runs/${run.runId}/steps/{stepId}/logs`,
  pipeline: `/pipelines/${run.pipeline}`,
  spec: `/pipelines/${run.pipeline}/versions/${run.version}/spec`,
});

const newRunId = () => ulid().toLowerCase();

/**
 * `POST /pipelines/{name}/runs`: validate everything that can be validated, then record the run (idempotently)
 * and submit it to the engine. A request refused at any step leaves no run behind: the record is written only
 * after validation, and a workflow the engine refuses at submit (nothing was created) discards it again.
 */
export async function createRun(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse> {
  const name = pipelineNameParam(request);
  const idempotencyKey = idempotencyKeyHeader(request.headers);
  const body = parseRunRequest(jsonBody(request, deps.config.limits));
  const { run, replayed } = await startRun(deps, {
    ...body,
    name,
    ...(request.caller ? { caller: request.caller } : {}),
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });
  return json(201, runResponse(run), replayed ? { "idempotent-replayed": "true" } : {});
}

/** What starts a run: a request's body, or a schedule's firing (lib/runs/schedules). */
export interface StartRunInput extends RunRequest {
  name: string;
  caller?: string;
  idempotencyKey?: string;
  /** A CronWorkflow's firing this run is (Argo's scheduled-time annotation); default: now. */
  scheduledTime?: Date;
}

/**
 * Validates, records and submits one run (the body of `POST /pipelines/{name}/runs`, also used by the schedule
 * tick). A CronWorkflow's spec runs as the Workflow one of its firings submits.
 */
export async function startRun(
  deps: ApiDeps,
  body: StartRunInput,
): Promise<{ run: RunRecord; replayed: boolean }> {
  const { name, idempotencyKey } = body;
  const pipeline = await deps.pipelines.getPipeline(name);
  if (!pipeline) throw notFound(`pipeline ${name} does not exist; push pipelines/${name}.ts first`);
  const versionName = body.version && body.version !== "latest" ? body.version : pipeline.latestGoodVersion;
  if (!versionName) {
    throw conflict(
      `pipeline ${name} has no successful build`,
      (pipeline.lastBuild?.diagnostics ?? []).map((d) => ({
        field: d.file ? `${d.file}:${d.line ?? 0}:${d.column ?? 0}` : (d.path ?? "pipeline"),
        message: d.message,
        code: d.code,
      })),
    );
  }
  // Versions and their specs never change once recorded: a warm container reads each once.
  const version = await cacheFor<PipelineVersion>(deps.runs, "versions").get(`${name}/${versionName}`, () =>
    deps.pipelines.getVersion(name, versionName),
  );
  if (!version) throw notFound(`pipeline ${name} has no version ${versionName}`);
  if (!version.ok)
    throw conflict(`version ${versionName} of pipeline ${name} failed to build and cannot run`);

  const { supplied, effective: parameters } = resolveParameters(
    version.parameters,
    body.parameters,
    deps.config.limits,
  );
  const stored = await cacheFor<Workflow>(deps.specs, "specs").get(`${name}/${versionName}`, async () => {
    const object = await deps.specs.get(keys.spec(name, versionName));
    return object ? parseStoredSpec(object.body, name, versionName) : undefined;
  });
  if (!stored)
    throw new ApiError(503, "spec-not-stored", `the spec of ${name} ${versionName} is not stored yet; retry`);
  // A copy: the engine may annotate what it is given, and the cached spec must stay as built.
  const now = (deps.now ?? (() => new Date()))();
  const runnable =
    stored.kind === ("CronWorkflow" as string)
      ? workflowFromCron(stored as unknown as CronWorkflow, body.scheduledTime ?? now)
      : structuredClone(stored);
  const spec = applyRunOverrides(runnable, {
    overrides: body.overrides,
    profile: body.profile,
    profiles: deps.config.profiles,
    policy: deps.config.overrides,
  });
  checkSpecServiceAccounts(spec, deps.serviceAccounts);
  const namespace = checkSpecNamespace(spec, namespacePolicy(deps.config.engine));

  const candidate: RunRecord = {
    runId: (deps.newRunId ?? newRunId)(),
    pipeline: name,
    version: versionName,
    status: "Pending",
    parameters,
    engine: { kind: deps.engine.kind, namespace },
    createdAt: now.toISOString(),
    ...(body.caller ? { caller: body.caller } : {}),
    ...(idempotencyKey ? { idempotencyKey } : {}),
  };
  const { run, created } = await deps.runs.createRun(candidate);
  if (!created) {
    const mismatch = replayMismatch(run, candidate, body.version !== undefined);
    if (mismatch) {
      throw conflict("this Idempotency-Key was already used for a different request", [
        { field: "header.Idempotency-Key", message: mismatch, code: "idempotency-mismatch" },
      ]);
    }
    const settled = await submittedOrGone(deps, run);
    if (!settled) {
      // The first request's workflow was refused and its run discarded: a replay gets the same answer.
      throw new ApiError(
        422,
        "rejected-by-engine",
        `the ${deps.engine.kind} engine refused the request first made with this Idempotency-Key; nothing was recorded`,
      );
    }
    return { run: settled, replayed: true };
  }

  let submitted: Workflow;
  try {
    submitted = await deps.engine.submit(spec, {
      runId: run.runId,
      parameters: supplied,
      labels: { [LABEL_PIPELINE]: name, [LABEL_VERSION]: versionName },
      namespace,
    });
  } catch (error) {
    // Refused: the engine created nothing, so the request leaves nothing either (422 follows). Any other
    // failure may have created the workflow (a timeout after the write): the run stays, with why, so that
    // GET /runs/{id} explains it and nothing running goes unrecorded.
    if (error instanceof WorkflowRejectedError && (await deps.runs.discardRun(run.runId))) throw error;
    await deps.runs
      .applyStatus({
        runId: run.runId,
        status: "Error",
        message: `submitting to the ${deps.engine.kind} engine failed: ${error instanceof Error ? error.message : String(error)}`,
        steps: [],
      })
      .catch(() => undefined);
    throw error;
  }
  const phase = submitted.status?.phase;
  const result = await deps.runs.applyStatus({
    runId: run.runId,
    status: phase === "Running" ? "Running" : "Pending",
    startedAt: submitted.status?.startedAt ?? undefined,
    engine: {
      kind: deps.engine.kind,
      namespace: submitted.metadata?.namespace ?? namespace,
      workflowName: submitted.metadata?.name,
      uid: submitted.metadata?.uid,
    },
    steps: [],
  });
  const current = result.applied ? result.run : ((await deps.runs.getRun(run.runId)) ?? result.run);
  return { run: current, replayed: false };
}

/** How long an identical request waits for the first one's submit before answering with the run as it is. */
const REPLAY_WAIT_MS = 5000;
const REPLAY_POLL_MS = 100;

/**
 * The run an idempotent replay answers with: once the first request's submit is decided (a workflow recorded,
 * or any status past Pending), or as it is after REPLAY_WAIT_MS. Undefined when the run was discarded because
 * the engine refused it.
 */
async function submittedOrGone(deps: ApiDeps, run: RunRecord): Promise<RunRecord | undefined> {
  let current = run;
  for (
    let waited = 0;
    current.status === "Pending" && !current.engine.workflowName;
    waited += REPLAY_POLL_MS
  ) {
    if (waited >= REPLAY_WAIT_MS) return current;
    await new Promise((resolve) => setTimeout(resolve, REPLAY_POLL_MS));
    const again = await deps.runs.getRun(run.runId);
    if (!again) return undefined;
    current = again;
  }
  return current;
}

/** Why a replayed request differs from the one that created the run, or undefined when it is the same. */
function replayMismatch(
  existing: RunRecord,
  candidate: RunRecord,
  versionGiven: boolean,
): string | undefined {
  // A key names one caller's request: another principal replaying it does not get that run back.
  if (existing.caller !== undefined && existing.caller !== candidate.caller)
    return "the key belongs to another caller's run";
  if (existing.pipeline !== candidate.pipeline)
    return `the key belongs to a run of pipeline ${existing.pipeline}`;
  if (versionGiven && existing.version !== candidate.version) {
    return `the key belongs to a run of version ${existing.version}`;
  }
  const a = JSON.stringify(Object.entries(existing.parameters).sort());
  const b = JSON.stringify(Object.entries(candidate.parameters).sort());
  return a === b ? undefined : "the key belongs to a run with other parameters";
}

export function runResponse(run: RunRecord) {
  return {
    runId: run.runId,
    status: run.status,
    pipeline: run.pipeline,
    version: run.version,
    ...(run.caller ? { caller: run.caller } : {}),
    links: runLinks(run),
  };
}

/** `GET /runs/{runId}`: the run with its steps. */
export async function getRun(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse> {
  const runId = runIdParam(request);
  const run = await deps.runs.getRun(runId);
  if (!run) throw notFound(`run ${runId} does not exist`);
  const steps = await stepsOfRun(deps, run);
  return json(200, { ...run, steps, links: runLinks(run) });
}

/** A run's steps: live from the engine while it is active, as recorded once it finished. */
export async function stepsOfRun(deps: ApiDeps, run: RunRecord): Promise<StepRecord[]> {
  return (await liveSteps(deps, run)) ?? (await deps.runs.listSteps(run.runId));
}

/**
 * An active run's steps, read from its workflow in the engine: the store records steps with the terminal
 * status only. Undefined for a finished run, or when the engine cannot say (no workflow yet, gone, unreachable: the
 * recorded steps stand in).
 */
async function liveSteps(deps: ApiDeps, run: RunRecord): Promise<StepRecord[] | undefined> {
  if (isTerminal(run.status)) return undefined;
  try {
    const workflow = await deps.engine.get(await workflowRef(deps, run));
    return workflow ? snapshotOf(workflow, run.runId, deps.engine.kind).steps : undefined;
  } catch {
    // Gone or unreachable: a read of the run must not fail for it; the sweep records what happened.
    return undefined;
  }
}

/** `GET /runs?pipeline=&status=&param.<name>=<value>&limit=&cursor=` (newest first). */
export async function listRuns(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse> {
  const details: ErrorDetail[] = [];
  const filters = runFilters(request, details, { known: ["limit", "cursor"], status: true });
  const paging = pageQueryInto(request, deps.config.limits, details);
  if (details.length > 0 || !paging) throw badRequest("the run query is not valid", details);
  const page = await deps.runs.queryRuns({ ...paging, ...filters });
  return json(
    200,
    pageBody(page, (run) => ({ ...run, links: runLinks(run) })),
  );
}

/**
 * `GET /runs/counts?pipeline=&param.<name>=<value>&since=`: how many runs match per status (every status, zero
 * included), with the filters of `GET /runs` except status. `since` (ISO time) counts runs created from then on;
 * the answer echoes it normalised to UTC, or null when all runs were counted.
 */
export async function countRuns(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse> {
  const details: ErrorDetail[] = [];
  const filters = runFilters(request, details, { known: ["since"], status: false });
  const since =
    request.query.since === undefined ? undefined : isoTime(request.query.since, "query.since", details);
  if (details.length > 0) throw badRequest("the run count query is not valid", details);
  const counts = await deps.runs.countRuns({ ...filters, ...(since ? { since } : {}) });
  return json(200, { counts, since: since ?? null });
}

/** The engine workflow of a run: recorded on the run, or found by its run-id label. */
export async function workflowRef(deps: ApiDeps, run: RunRecord): Promise<WorkflowRef> {
  if (run.engine.workflowName) {
    return { namespace: run.engine.namespace, name: run.engine.workflowName, uid: run.engine.uid };
  }
  const found = await deps.engine.list({ labelSelector: `${LABEL_RUN_ID}=${run.runId}`, limit: 1 });
  const workflow = found.items[0];
  if (!workflow?.metadata?.name) throw conflict(`run ${run.runId} has no engine workflow (yet)`);
  return {
    namespace: workflow.metadata.namespace ?? run.engine.namespace,
    name: workflow.metadata.name,
    uid: workflow.metadata.uid,
  };
}

export async function loadRun(deps: ApiDeps, request: ApiRequest): Promise<RunRecord> {
  const runId = runIdParam(request);
  const run = await deps.runs.getRun(runId);
  if (!run) throw notFound(`run ${runId} does not exist`);
  return run;
}

/** `GET /runs/{runId}/steps/{stepId}/logs`: the step's lines (from the engine, or the stored log). */
export async function getStepLogs(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse> {
  const run = await loadRun(deps, request);
  const stepId = request.pathParameters.stepId ?? "";
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(stepId)) {
    throw badRequest(`"${stepId.slice(0, 70)}" is not a step id`, [
      { field: "path.stepId", message: "expected an Argo node id", code: "format" },
    ]);
  }
  let ref: WorkflowRef | undefined;
  try {
    ref = await workflowRef(deps, run);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 409)) throw error;
  }
  const step = async () => (await deps.runs.listSteps(run.runId)).find((s) => s.stepId === stepId);
  const lines = await readStepLogs(
    { engine: deps.engine, readObject: async (key) => (await deps.specs.get(key))?.body },
    { runId: run.runId, stepId, step, ...(ref ? { ref } : {}) },
  );
  if (lines === undefined) throw notFound(`no logs for step ${stepId} of run ${run.runId}`);
  return json(200, {
    runId: run.runId,
    stepId,
    lines: lines.map((l) => ({ time: l.time, stream: l.stream, text: l.text })),
  });
}

export type RunAction = "stop" | "terminate" | "retry" | "resubmit";

/** `POST /runs/{runId}/stop|terminate|retry|resubmit`. */
export async function runAction(deps: ApiDeps, request: ApiRequest, action: RunAction): Promise<ApiResponse> {
  const run = await loadRun(deps, request);
  jsonBody(request, deps.config.limits); // bounded even when unused
  const ref = await workflowRef(deps, run);
  switch (action) {
    case "stop":
      await deps.engine.stop(ref);
      return json(202, runResponse(run));
    case "terminate":
      await deps.engine.terminate(ref);
      return json(202, runResponse(run));
    case "retry": {
      await checkWorkflowServiceAccounts(deps, ref);
      const retried = await deps.engine.retry(ref);
      // The same run goes on: reopen its terminal record so the retried attempt is recorded and completes.
      // The attempt starts when the engine says so; snapshots of the earlier attempt are refused from then on.
      const startedAt = retried.status?.startedAt ?? undefined;
      return json(202, runResponse(await deps.runs.reopenRun(run.runId, { startedAt })));
    }
    case "resubmit":
      return resubmit(deps, request, run, ref);
  }
}

/** Resubmit makes a new workflow, hence a new run that points at its parent. */
async function resubmit(
  deps: ApiDeps,
  request: ApiRequest,
  parent: RunRecord,
  ref: WorkflowRef,
): Promise<ApiResponse> {
  await checkWorkflowServiceAccounts(deps, ref);
  const now = (deps.now ?? (() => new Date()))();
  const { run } = await deps.runs.createRun({
    runId: (deps.newRunId ?? newRunId)(),
    pipeline: parent.pipeline,
    version: parent.version,
    status: "Pending",
    parameters: parent.parameters,
    engine: { kind: deps.engine.kind, namespace: parent.engine.namespace },
    createdAt: now.toISOString(),
    caller: request.caller,
    parentRunId: parent.runId,
  });
  const submitted = await deps.engine.resubmit(ref, { runId: run.runId });
  const result = await deps.runs.applyStatus({
    runId: run.runId,
    status: submitted.status?.phase === "Running" ? "Running" : "Pending",
    engine: {
      kind: deps.engine.kind,
      namespace: submitted.metadata?.namespace ?? parent.engine.namespace,
      workflowName: submitted.metadata?.name,
      uid: submitted.metadata?.uid,
    },
    steps: [],
  });
  return json(201, { ...runResponse(result.run), parentRunId: parent.runId });
}

/** Retry and resubmit run a workflow again as it was submitted: its accounts must still be allowed. */
async function checkWorkflowServiceAccounts(deps: ApiDeps, ref: WorkflowRef): Promise<void> {
  const workflow = await deps.engine.get(ref);
  if (workflow) checkSpecServiceAccounts(workflow, deps.serviceAccounts);
}
