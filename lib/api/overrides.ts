import type { Workflow } from "../argo";
import type { OverrideProfile } from "../config";
import { badRequest } from "./errors";

export interface OverrideRequest {
  overrides?: Record<string, unknown>;
  profile?: string;
  profiles: Record<string, OverrideProfile>;
}

/** Applies a run's overrides and named profile to its spec (allow-listed); 400 listing each refused field. */
export function applyRunOverrides(spec: Workflow, request: OverrideRequest): Workflow {
  if (request.profile !== undefined && !(request.profile in request.profiles)) {
    const known = Object.keys(request.profiles).join(", ") || "none configured";
    throw badRequest(`unknown profile "${request.profile}"`, [
      { field: "profile", message: `expected one of: ${known}`, code: "unknown" },
    ]);
  }
  if (request.overrides === undefined && request.profile === undefined) return spec;
  throw badRequest("run-time overrides are not available yet", [
    { field: "overrides", message: "not available yet", code: "unsupported" },
  ]);
}
