import type { StepArtifact, StepRecord } from "../ports/run-store";
import type { ApiDeps } from "./deps";
import { ApiError, badRequest, conflict, notFound } from "./errors";
import { type ApiRequest, type ApiResponse, json } from "./http";
import { loadRun, stepsOfRun } from "./runs";

const STEP = /^[A-Za-z0-9][A-Za-z0-9._()[\]-]{0,252}$/;
const ARTIFACT_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,252}$/;

/**
 * `GET /runs/{runId}/steps/{stepId}/artifacts/{name}`: on AWS `{…, url, expiresAt}`, a short-lived presigned S3
 * URL (the bytes never pass through the API); on the embedded stack the bytes. The step is named by its id, or
 * by its name or display name when only one step has it; an output artifact wins over an input of the same name.
 */
export async function getArtifact(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse> {
  const run = await loadRun(deps, request);
  const stepRef = request.pathParameters.stepId ?? "";
  const name = request.pathParameters.name ?? "";
  const details = [
    ...(STEP.test(stepRef)
      ? []
      : [{ field: "path.stepId", message: "expected a step id or name", code: "format" }]),
    ...(ARTIFACT_NAME.test(name)
      ? []
      : [{ field: "path.name", message: "expected an artifact name", code: "format" }]),
  ];
  if (details.length) throw badRequest("the artifact request is not valid", details);
  const step = findStep(await stepsOfRun(deps, run), stepRef);
  if (!step) throw notFound(`run ${run.runId} has no step ${stepRef}`);
  const artifact = [...(step.outputArtifacts ?? []), ...(step.inputArtifacts ?? [])].find(
    (a) => a.name === name,
  );
  if (!artifact) {
    const known = artifactNames(step);
    throw notFound(
      `step ${step.displayName} of run ${run.runId} has no artifact ${name}${known ? ` (it has: ${known})` : ""}`,
    );
  }
  const key = artifact.key;
  if (!key || (artifact.bucket && deps.config.bucket && artifact.bucket !== deps.config.bucket)) {
    throw conflict(
      `artifact ${name} of step ${step.displayName} is not stored in the Skiff bucket (${artifact.bucket ? `bucket ${artifact.bucket}` : "not an S3 artifact"}); read it where the pipeline put it`,
    );
  }
  if (!deps.artifacts) throw new ApiError(501, "not-implemented", "artifact downloads are not configured");
  const directoryName = artifact.path?.replace(/\/+$/, "").split("/").at(-1);
  const found = await deps.artifacts.download(key, directoryName ? { directoryName } : {});
  if (!found) throw notFound(`artifact ${name} of step ${step.displayName} is no longer at ${key}`);
  const about = { runId: run.runId, stepId: step.stepId, name, key };
  if (found.kind === "url") {
    return json(200, {
      ...about,
      url: found.url,
      expiresAt: found.expiresAt,
      ...(found.size !== undefined ? { size: found.size } : {}),
    });
  }
  return {
    statusCode: 200,
    headers: {
      "content-type": found.contentType,
      "content-disposition": `attachment; filename="${name}${found.contentType === "application/gzip" ? ".tgz" : ""}"`,
      "x-skiff-artifact-key": key,
    },
    body: Buffer.from(found.body).toString("base64"),
    isBase64Encoded: true,
  };
}

function findStep(steps: StepRecord[], ref: string): StepRecord | undefined {
  const byId = steps.find((s) => s.stepId === ref);
  if (byId) return byId;
  for (const field of ["name", "displayName"] as const) {
    const matches = steps.filter((s) => s[field] === ref);
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) {
      throw conflict(`${matches.length} steps are called ${ref}; name one by its id`, [
        { field: "path.stepId", message: matches.map((s) => s.stepId).join(", "), code: "ambiguous" },
      ]);
    }
  }
  return undefined;
}

function artifactNames(step: StepRecord): string {
  const names = (list: StepArtifact[] | undefined) => (list ?? []).map((a) => a.name);
  return [...new Set([...names(step.outputArtifacts), ...names(step.inputArtifacts)])].join(", ");
}
