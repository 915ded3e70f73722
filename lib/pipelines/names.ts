/**
 * Pipeline names and the upload keys they come from. A name becomes an S3 key segment, a Kubernetes label
 * value and part of workflow names, so it is a lowercase DNS label.
 */
export const PIPELINE_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const SOURCE_PREFIX = "pipelines/";

/** Why a name is refused, or undefined when it is fine. */
export function pipelineNameProblem(name: string): string | undefined {
  if (name.length === 0) return "a pipeline name must not be empty";
  if (name.length > 63) return `pipeline name "${name.slice(0, 70)}…" is longer than 63 characters`;
  if (!PIPELINE_NAME.test(name)) {
    return `pipeline name "${name}" must be lowercase letters, digits and '-', starting and ending with a letter or digit`;
  }
  return undefined;
}

export interface UploadEntry {
  pipeline: string;
  /** The entry file, relative to `pipelines/` (how content hashes and diagnostics name files). */
  entry: string;
  /**
   * The pipeline's own folder, relative to `pipelines/` (`<name>/`), for `pipelines/<name>/pipeline.ts`: its
   * build reads only files under it. Undefined for a one-file `pipelines/<name>.ts`, whose build reads that
   * file alone. Either way, no build reads another pipeline's files.
   */
  folder?: string;
}

/**
 * Which pipeline an uploaded key is the entry point of: `pipelines/<name>.ts` or
 * `pipelines/<name>/pipeline.ts`. Other `.ts` files under `pipelines/<name>/` are modules that entry imports;
 * they trigger no build (undefined).
 */
export function uploadEntry(key: string): UploadEntry | undefined {
  if (!key.startsWith(SOURCE_PREFIX) || !key.endsWith(".ts") || key.endsWith(".d.ts")) return undefined;
  const entry = key.slice(SOURCE_PREFIX.length);
  const parts = entry.split("/");
  if (parts.length === 1) return { pipeline: parts[0].slice(0, -".ts".length), entry };
  if (parts.length === 2 && parts[1] === "pipeline.ts")
    return { pipeline: parts[0], entry, folder: `${parts[0]}/` };
  return undefined;
}

/** Decodes an S3 event key: real S3 form-encodes keys (space → `+`), so `+` first, then percent escapes. */
export function decodeS3EventKey(key: string): string {
  const spaced = key.replace(/\+/g, " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A lone `%` cannot come from S3's encoding; the key was delivered raw.
    return key;
  }
}
