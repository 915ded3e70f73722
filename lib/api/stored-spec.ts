import type { Workflow } from "../argo";
import { readSpec } from "../compiler/spec-file";
import { ApiError } from "./errors";

/** A stored Spec's YAML as an object; the build wrote it, so YAML that does not parse is a 500. */
export function parseStoredSpec(body: string, name: string, version: string): Workflow {
  try {
    return readSpec(body) as Workflow;
  } catch (cause) {
    throw new ApiError(500, "internal", `the stored spec of ${name} ${version} is not valid YAML`, [], {
      cause,
    });
  }
}
