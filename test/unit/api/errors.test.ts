import { describe, expect, it } from "vitest";
import { ApiError, badRequest, toErrorBody } from "../../../lib/api/errors";
import {
  EngineAuthError,
  EngineUnavailableError,
  WorkflowConflictError,
  WorkflowNotFoundError,
  WorkflowRejectedError,
} from "../../../lib/ports/engine-errors";
import { InvalidCursorError, InvalidRunInputError, RunNotFoundError } from "../../../lib/runs/errors";

describe("toErrorBody", () => {
  it("renders API errors with their status, code and details", () => {
    const error = badRequest("2 problems", [{ field: "parameters.x", message: "unknown", code: "unknown" }]);
    expect(toErrorBody(error)).toEqual({
      status: 400,
      body: {
        error: "invalid-request",
        message: "2 problems",
        details: [{ field: "parameters.x", message: "unknown", code: "unknown" }],
      },
    });
  });

  it.each([
    [new InvalidCursorError("tampered"), 400, "invalid-request"],
    [new InvalidRunInputError("too many", "parameters"), 400, "invalid-request"],
    [new RunNotFoundError("run x does not exist"), 404, "not-found"],
    [new WorkflowNotFoundError("gone"), 404, "not-found"],
    [new WorkflowConflictError("still running"), 409, "conflict"],
    [new WorkflowRejectedError("privileged"), 422, "rejected-by-engine"],
    [new EngineAuthError("expired token"), 502, "engine-auth"],
    [new EngineUnavailableError("429"), 503, "engine-unavailable"],
    [new ApiError(413, "payload-too-large", "big"), 413, "payload-too-large"],
  ])("maps %s to %i", (error, status, code) => {
    const rendered = toErrorBody(error);
    expect(rendered.status).toBe(status);
    expect(rendered.body.error).toBe(code);
    expect(rendered.body.details).toEqual(expect.any(Array));
  });

  it("names the field of store input errors", () => {
    expect(toErrorBody(new InvalidRunInputError("too many", "parameters")).body.details).toEqual([
      { field: "parameters", message: "too many" },
    ]);
  });

  it("hides the message of unexpected errors", () => {
    expect(toErrorBody(new Error("password=hunter2 at db"))).toEqual({
      status: 500,
      body: { error: "internal", message: "internal error", details: [] },
    });
  });
});
