import {
  EngineAuthError,
  EngineUnavailableError,
  WorkflowConflictError,
  WorkflowNotFoundError,
  WorkflowRejectedError,
} from "../ports/engine-errors";
import { InvalidCursorError, InvalidRunInputError, RunNotFoundError } from "../runs/errors";

import type { ErrorBody, ErrorDetail } from "./error-body";

export type { ErrorBody, ErrorDetail } from "./error-body";

/** An error with its HTTP status; thrown by route logic and rendered as `{error, message, details}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "ApiError";
  }
}

export const badRequest = (message: string, details: ErrorDetail[] = [], options?: ErrorOptions) =>
  new ApiError(400, "invalid-request", message, details, options);
export const notFound = (message: string, options?: ErrorOptions) =>
  new ApiError(404, "not-found", message, [], options);
export const conflict = (message: string, details: ErrorDetail[] = [], options?: ErrorOptions) =>
  new ApiError(409, "conflict", message, details, options);
export const payloadTooLarge = (message: string) => new ApiError(413, "payload-too-large", message);
export const unprocessable = (message: string, details: ErrorDetail[] = [], options?: ErrorOptions) =>
  new ApiError(422, "unprocessable", message, details, options);

/** Maps any error to a status and body; unknown errors become a 500 that reveals nothing internal. */
export function toErrorBody(error: unknown): { status: number; body: ErrorBody } {
  const render = (status: number, code: string, message: string, details: ErrorDetail[] = []) => ({
    status,
    body: { error: code, message, details },
  });
  if (error instanceof ApiError) return render(error.status, error.code, error.message, error.details);
  if (error instanceof InvalidCursorError) {
    return render(400, "invalid-request", "the cursor is not valid", [
      { field: "query.cursor", message: error.message },
    ]);
  }
  if (error instanceof InvalidRunInputError) {
    return render(400, "invalid-request", error.message, [{ field: error.field, message: error.message }]);
  }
  if (error instanceof RunNotFoundError) return render(404, "not-found", error.message);
  if (error instanceof WorkflowNotFoundError) return render(404, "not-found", error.message);
  if (error instanceof WorkflowConflictError) return render(409, "conflict", error.message);
  if (error instanceof WorkflowRejectedError) return render(422, "rejected-by-engine", error.message);
  if (error instanceof EngineAuthError)
    return render(502, "engine-auth", `the engine refused Skiff's credentials: ${error.message}`);
  if (error instanceof EngineUnavailableError) return render(503, "engine-unavailable", error.message);
  return render(500, "internal", "internal error");
}
