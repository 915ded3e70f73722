import type { Workflow } from "../argo";
import type { OverrideProfile } from "../config";
import {
  applyOverrides,
  OverrideError,
  type OverridePolicy,
  type Profile,
  parseProfiles,
} from "../runs/overrides";
import { ApiError, badRequest } from "./errors";

export interface OverrideRequest {
  overrides?: unknown;
  profile?: string;
  profiles: Record<string, OverrideProfile>;
  /** The deployment's env allow-list and Secret grants. */
  policy: OverridePolicy;
}

const parsedProfiles = new WeakMap<Record<string, OverrideProfile>, Record<string, Profile>>();

/** Applies a run's named profile and overrides to its spec (allow-listed by lib/runs); 400 lists each refusal. */
export function applyRunOverrides(spec: Workflow, request: OverrideRequest): Workflow {
  if (request.overrides === undefined && request.profile === undefined) return spec;
  let profiles = parsedProfiles.get(request.profiles);
  if (!profiles) {
    try {
      profiles = parseProfiles(request.profiles);
    } catch (cause) {
      throw new ApiError(500, "configuration", "the configured profiles are invalid", [], { cause });
    }
    parsedProfiles.set(request.profiles, profiles);
  }
  try {
    return applyOverrides(
      spec,
      { overrides: request.overrides, profile: request.profile },
      profiles,
      request.policy,
    );
  } catch (error) {
    if (error instanceof OverrideError) {
      throw badRequest(
        "the run's overrides are not allowed",
        error.issues.map((issue) => ({ field: issue.field, message: issue.message })),
        { cause: error },
      );
    }
    throw error;
  }
}
