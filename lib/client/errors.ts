import type { ErrorBody, ErrorDetail } from "../api/error-body";
import type { FailedStep, RunRecord, StepRecord } from "../ports/run-store";

/**
 * Every error the client throws: the API's `{error, message, details}` shape, and (in `message`) one line that
 * says what to do. `instanceof` picks the case; `error` is the stable machine code.
 */
export class SkiffClientError extends Error {
  readonly error: string;
  readonly details: ErrorDetail[];

  constructor(error: string, message: string, details: ErrorDetail[] = [], options?: ErrorOptions) {
    super(message, options);
    this.name = "SkiffClientError";
    this.error = error;
    this.details = details;
  }

  /** The API's error body, as a program would log or forward it. */
  toJSON(): ErrorBody {
    return { error: this.error, message: this.message, details: this.details };
  }
}

/** The API answered with an error status; `body` is what it said. */
export class ApiClientError extends SkiffClientError {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    options?: ErrorOptions,
  ) {
    super(body.error, body.message, body.details ?? [], options);
    this.name = "ApiClientError";
  }
}

/** 400: the request was not valid; `details` name each field. */
export class BadRequestError extends ApiClientError {
  override name = "BadRequestError";
}
/** 404: no such pipeline, version, spec or step. */
export class NotFoundError extends ApiClientError {
  override name = "NotFoundError";
}
/** 404 for a run id: the run does not exist (in this context). */
export class RunNotFoundError extends NotFoundError {
  override name = "RunNotFoundError";
  constructor(
    readonly runId: string,
    status: number,
    body: ErrorBody,
  ) {
    super(status, {
      ...body,
      message: `run ${runId} does not exist here; check the id, or the context (skiff context list)`,
    });
  }
}
/** 409: the request conflicts with the current state (a finished run, an idempotency key reused). */
export class ConflictError extends ApiClientError {
  override name = "ConflictError";
}
/** 403 from IAM: the credentials are valid but not allowed `execute-api:Invoke` on this API. */
export class ForbiddenError extends ApiClientError {
  override name = "ForbiddenError";
}
/** The AWS credentials have expired (API Gateway's 403, or the SDK's provider saying so). */
export class ExpiredCredentialsError extends SkiffClientError {
  constructor(message: string, options?: ErrorOptions) {
    super("expired-credentials", message, [], options);
    this.name = "ExpiredCredentialsError";
  }
}
/** No AWS credentials could be found to sign a request to a deployed stage. */
export class CredentialsError extends SkiffClientError {
  constructor(message: string, options?: ErrorOptions) {
    super("no-credentials", message, [], options);
    this.name = "CredentialsError";
  }
}
/** The API could not be reached at all (refused, reset, DNS). */
export class UnreachableError extends SkiffClientError {
  constructor(message: string, options?: ErrorOptions) {
    super("unreachable", message, [], options);
    this.name = "UnreachableError";
  }
}
/** A request, a wait or a log follow took longer than it was allowed. */
export class TimeoutError extends SkiffClientError {
  constructor(message: string, options?: ErrorOptions) {
    super("timeout", message, [], options);
    this.name = "TimeoutError";
  }
}
/** A context is unknown, or the contexts file cannot be read or written. */
export class ContextError extends SkiffClientError {
  constructor(message: string, options?: ErrorOptions) {
    super("context", message, [], options);
    this.name = "ContextError";
  }
}

/** `result()` of a run that ended in any phase but Succeeded: the run, its failed steps and their messages. */
export class RunFailedError extends SkiffClientError {
  readonly runId: string;
  readonly status: RunRecord["status"];
  readonly failedSteps: FailedStep[];

  constructor(readonly run: RunRecord & { steps?: StepRecord[] }) {
    const failedSteps = failedStepsOf(run);
    const first = failedSteps[0];
    const why = first
      ? `: ${first.name}${first.message ? ` (${first.message})` : ""}`
      : run.message
        ? `: ${run.message}`
        : "";
    super(
      "run-failed",
      `run ${run.runId} ended ${run.status}${why}; see skiff get ${run.runId} and skiff logs ${run.runId}`,
      failedSteps.map((s) => ({ field: `steps.${s.name}`, message: s.message ?? "failed", code: "failed" })),
    );
    this.name = "RunFailedError";
    this.runId = run.runId;
    this.status = run.status;
    this.failedSteps = failedSteps;
  }
}

/** The run's failed steps: as the watcher recorded them, else the leaf steps that did not succeed. */
function failedStepsOf(run: RunRecord & { steps?: StepRecord[] }): FailedStep[] {
  if (run.failedSteps && run.failedSteps.length > 0) {
    return run.failedSteps.map((s) => ({ ...s }));
  }
  return (run.steps ?? [])
    .filter((s) => (s.phase === "Failed" || s.phase === "Error") && (s.children ?? []).length === 0)
    .map((s) => ({
      name: s.displayName || s.name,
      stepId: s.stepId,
      ...(s.exitCode !== undefined ? { exitCode: s.exitCode } : {}),
      ...(s.message ? { message: s.message } : {}),
    }));
}
