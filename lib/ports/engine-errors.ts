/** Typed engine errors, shared by both engines so callers map them to API responses once. */
export class EngineError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
/** The workflow does not exist. */
export class WorkflowNotFoundError extends EngineError {}
/** The request conflicts with the workflow's state (e.g. retrying a running workflow). */
export class WorkflowConflictError extends EngineError {}
/** The engine refused the spec (schema, unsupported feature, admission). */
export class WorkflowRejectedError extends EngineError {}
/** Credentials missing, expired or not allowed. */
export class EngineAuthError extends EngineError {}
/** Transient failure that survived the retries (429, 5xx, timeouts). */
export class EngineUnavailableError extends EngineError {}
