import { z } from "zod";
import type { Limits } from "../config";
import type { PipelineVersion } from "../ports/run-store";
import { badRequest, type ErrorDetail } from "./errors";
import { zodDetails } from "./validation";

/** Body of `POST /pipelines/{name}/runs`. Parameter values may be JSON scalars; they reach Argo as strings. */
export const runRequestSchema = z.strictObject({
  parameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  version: z
    .string()
    .regex(/^(v[1-9]\d{0,8}|latest)$/, "version must look like v1, v2, … or be latest")
    .optional(),
  overrides: z.record(z.string(), z.unknown()).optional(),
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
 * The run's parameter values: the request's values checked against the version's declared parameters
 * (every unknown, missing, out-of-enum and oversized value is listed), defaults filled in.
 */
export function resolveParameters(
  declared: PipelineVersion["parameters"],
  given: Record<string, string | number | boolean>,
  limits: Pick<Limits, "maxParameters" | "maxParameterValueBytes">,
): Record<string, string> {
  const details: ErrorDetail[] = [];
  const names = Object.keys(given);
  if (names.length > limits.maxParameters) {
    details.push({
      field: "parameters",
      message: `at most ${limits.maxParameters} parameters are accepted, got ${names.length}`,
      code: "too-many",
    });
  }
  const byName = new Map(declared.map((p) => [p.name, p]));
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = String(given[name]);
    const field = `parameters.${name}`;
    const spec = byName.get(name);
    if (!spec) {
      const known = declared.map((p) => p.name).join(", ") || "none";
      details.push({ field, message: `unknown parameter "${name}" (declared: ${known})`, code: "unknown" });
      continue;
    }
    if (Buffer.byteLength(value, "utf8") > limits.maxParameterValueBytes) {
      details.push({
        field,
        message: `longer than ${limits.maxParameterValueBytes} bytes`,
        code: "too-long",
      });
      continue;
    }
    if (spec.enum && !spec.enum.includes(value)) {
      details.push({ field, message: `"${value}" is not one of ${spec.enum.join(", ")}`, code: "enum" });
      continue;
    }
    values[name] = value;
  }
  for (const spec of declared) {
    if (spec.name in given) continue;
    if (spec.default === undefined) {
      details.push({
        field: `parameters.${spec.name}`,
        message: `missing required parameter "${spec.name}"`,
        code: "missing",
      });
    } else {
      values[spec.name] = spec.default;
    }
  }
  if (details.length > 0) {
    throw badRequest(`${details.length} parameter problem${details.length === 1 ? "" : "s"}`, details);
  }
  return values;
}
