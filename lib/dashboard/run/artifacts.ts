import type { StepArtifact, StepRecord } from "../../ports/run-store";

/** One artifact of a step as the Run view lists it. */
export interface ArtifactLink {
  name: string;
  direction: "input" | "output";
  /** `GET /runs/{runId}/steps/{stepId}/artifacts/{name}`. */
  href: string;
  size?: number;
  path?: string;
  /** Stored in the artifact repository: downloadable. Otherwise only listed. */
  stored: boolean;
}

/** The route that serves a step's artifact. */
export const artifactPath = (runId: string, stepId: string, name: string): string =>
  `/runs/${encodeURIComponent(runId)}/steps/${encodeURIComponent(stepId)}/artifacts/${encodeURIComponent(name)}`;

/** The route of a step's logs. */
export const logsPath = (runId: string, stepId: string): string =>
  `/runs/${encodeURIComponent(runId)}/steps/${encodeURIComponent(stepId)}/logs`;

/**
 * A step's artifacts, outputs first (the API answers with the output when an input has the same name). An
 * input that shares its name with an output is listed but not linked: the route would serve the output.
 */
export function artifactLinks(runId: string, step: StepRecord): ArtifactLink[] {
  const link = (a: StepArtifact, direction: ArtifactLink["direction"]): ArtifactLink => ({
    name: a.name,
    direction,
    href: artifactPath(runId, step.stepId, a.name),
    ...(a.size !== undefined ? { size: a.size } : {}),
    ...(a.path !== undefined ? { path: a.path } : {}),
    stored: a.key !== undefined,
  });
  const outputs = (step.outputArtifacts ?? []).map((a) => link(a, "output"));
  const outputNames = new Set(outputs.map((a) => a.name));
  const inputs = (step.inputArtifacts ?? []).map((a) => {
    const l = link(a, "input");
    return outputNames.has(a.name) ? { ...l, stored: false } : l;
  });
  return [...outputs, ...inputs];
}

/** What a download answered: a presigned URL to follow (AWS), or the bytes themselves (the embedded stack). */
export type DownloadAnswer = { kind: "url"; url: string } | { kind: "bytes" };

/**
 * Tells the two download answers apart by their content type: the presigned form is JSON with `url`; the
 * object itself is `application/octet-stream` (or `application/gzip` for a directory).
 */
export function downloadAnswer(contentType: string | null, body?: unknown): DownloadAnswer {
  if (contentType?.split(";")[0]?.trim() === "application/json") {
    const url = (body as { url?: unknown } | undefined)?.url;
    if (typeof url === "string" && /^https?:\/\//.test(url)) return { kind: "url", url };
    throw new Error("the artifact route answered JSON without a download URL");
  }
  return { kind: "bytes" };
}

/** The file name a download is saved as: the artifact's, with `.tgz` for a packed directory. */
export function downloadName(name: string, contentType: string | null): string {
  return contentType?.startsWith("application/gzip") && !/\.(tgz|tar\.gz)$/.test(name) ? `${name}.tgz` : name;
}

/** A byte count as people read it. */
export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
