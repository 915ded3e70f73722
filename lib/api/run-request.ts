import { z } from "zod";
import { MAX_PARAMETERS_PER_RUN } from "../adapters/dynamodb/run-store";
import type { Limits } from "../config";
import type { PipelineVersion } from "../ports/pipeline-store";
import { validateParameters, versionParameters } from "../runs/parameters";
import { badRequest } from "./errors";
import { zodDetails } from "./validation";

/** Body of `POST /pipelines/{name}/runs`. Parameter values may be JSON scalars; they reach Argo as strings. */
export const runRequestSchema = z.strictObject({
  parameters: z.unknown().optional(),
  version: z
    .string()
    .regex(/^(v[1-9]\d{0,8}|latest)$/, "version must look like v1, v2, … or be latest")
    .optional(),
  overrides: z.unknown().optional(),
  profile: z.string().min(1).max(63).optional(),
});
export type RunRequest = z.infer<typeof runRequestSchema>;

export function parseRunRequest(body: unknown): RunRequest {
  const parsed = runRequestSchema.safeParse(body);
  if (!parsed.success) throw badRequest("the run request is not valid", zodDetails(parsed.error, ""));
  return parsed.data;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/** The optional `Idempotency-Key` header: 1–128 visible ASCII characters. */
export function idempotencyKeyHeader(headers: Record<string, string>): string | undefined {
  const key = headers["idempotency-key"];
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw badRequest("Idempotency-Key must be 1 to 128 visible ASCII characters", [
      { field: "header.Idempotency-Key", message: "expected 1..128 characters from ! to ~", code: "format" },
    ]);
  }
  return key;
}

/**
 * The run's parameters checked against the version's declared ones (lib/runs lists every unknown, missing,
 * out-of-enum and oversized value): `supplied` reaches the engine, `effective` (with defaults) is recorded.
 */
export function resolveParameters(
  declared: PipelineVersion["parameters"],
  given: unknown,
  limits: Pick<Limits, "maxParameters" | "maxParameterValueBytes">,
): { supplied: Record<string, string>; effective: Record<string, string> } {
  const result = validateParameters(versionParameters({ parameters: declared }), given, {
    maxParameters: Math.min(limits.maxParameters, MAX_PARAMETERS_PER_RUN),
    maxValueBytes: limits.maxParameterValueBytes,
  });
  if (!result.ok) {
    const n = result.issues.length;
    throw badRequest(
      `${n} parameter problem${n === 1 ? "" : "s"}`,
      result.issues.map((issue) => ({ field: issue.field, message: issue.message, code: issue.code })),
    );
  }
  return { supplied: result.supplied, effective: result.effective };
}
