import { readFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { BUILD_PARAMETERS_METADATA, encodeBuildParameters } from "../pipelines/build-parameters";
import { contentHash } from "../pipelines/content-hash";
import { pipelineNameProblem, SOURCE_PREFIX } from "../pipelines/names";
import type { PipelineVersion, UploadRef } from "../ports/pipeline-store";
import type { ApiClient } from "./client";
import type { Endpoints } from "./endpoints";

export class PushError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PushError";
  }
}

/** What `skiff push` uploads: bucket keys → file text, the entry last. */
export interface PushPlan {
  pipeline: string;
  /** Upload-relative path (under `pipelines/`) → text, in upload order (siblings first, entry last). */
  files: Array<{ path: string; text: string }>;
  /** The content hash the build function will compute for this upload. */
  contentHash: string;
  /** Build parameters (`-p k=v`), carried by the entry object's metadata to the build function. */
  buildParameters?: Record<string, string>;
}

/**
 * Plans a push: the pipeline's name (`<name>.ts`, or the directory of a `pipeline.ts`), and the files it
 * imports relatively (found with esbuild, which also resolves them in the build). A pipeline without
 * sibling imports is uploaded as `pipelines/<name>.ts`; one with siblings as `pipelines/<name>/pipeline.ts`
 * next to them. Imports outside the entry's directory cannot be uploaded and are refused.
 */
export async function planPush(
  file: string,
  name?: string,
  buildParameters: Record<string, string> = {},
): Promise<PushPlan> {
  const entry = resolve(file);
  const pipeline =
    name ?? (basename(entry) === "pipeline.ts" ? basename(dirname(entry)) : basename(entry, ".ts"));
  const problem = pipelineNameProblem(pipeline);
  if (problem) throw new PushError(`${problem} (from ${file}; choose one with --name)`);
  if (!entry.endsWith(".ts")) throw new PushError(`${file}: a pipeline is a .ts file`);
  const root = dirname(entry);
  const siblings = (await relativeImports(entry)).filter((f) => f !== entry);
  for (const sibling of siblings) {
    const rel = relative(root, sibling);
    if (rel.startsWith("..") || isAbsolute(rel)) {
      throw new PushError(
        `${file} imports ${relative(process.cwd(), sibling)}, outside its directory ${root}`,
      );
    }
  }
  const prefix = siblings.length === 0 ? "" : `${pipeline}/`;
  const entryPath = siblings.length === 0 ? `${pipeline}.ts` : `${pipeline}/pipeline.ts`;
  const files: PushPlan["files"] = [];
  for (const sibling of siblings) {
    files.push({
      path: prefix + relative(root, sibling).split(sep).join("/"),
      text: await readFile(sibling, "utf8"),
    });
  }
  files.push({ path: entryPath, text: await readFile(entry, "utf8") });
  try {
    encodeBuildParameters(buildParameters);
  } catch (cause) {
    throw new PushError((cause as Error).message, { cause });
  }
  return {
    pipeline,
    files,
    contentHash: contentHash(Object.fromEntries(files.map((f) => [f.path, f.text])), buildParameters),
    ...(Object.keys(buildParameters).length ? { buildParameters } : {}),
  };
}

/** The files the entry imports through relative paths (absolute paths, entry included). */
async function relativeImports(entry: string): Promise<string[]> {
  const { build } = await import("esbuild");
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      metafile: true,
      logLevel: "silent",
      platform: "node",
      format: "esm",
      absWorkingDir: dirname(entry),
      plugins: [
        {
          name: "only-relative",
          setup(b) {
            b.onResolve({ filter: /^[^./]/ }, (args) => ({ path: args.path, external: true }));
          },
        },
      ],
    });
    return Object.keys(result.metafile.inputs).map((input) => resolve(dirname(entry), input));
  } catch {
    // Syntax errors and unresolved imports are the build's to report, with file:line:col.
    return [entry];
  }
}

/** The pipelines bucket as `skiff push` uses it: uploads, and what a key holds now. */
export class PipelineBucket {
  private constructor(
    private readonly client: S3Client,
    readonly name: string,
  ) {}

  static async open(endpoints: Endpoints): Promise<PipelineBucket> {
    if (!endpoints.bucket)
      throw new PushError(
        "the pipelines bucket is unknown: give the context one (skiff context add … --bucket), or set SKIFF_BUCKET",
      );
    const { S3Client } = await import("@aws-sdk/client-s3");
    // Every request has a time limit (the SDK retries transient failures itself).
    const requestHandler = { connectionTimeout: 5_000, requestTimeout: 60_000 };
    const client = new S3Client(
      endpoints.local
        ? {
            requestHandler,
            endpoint: endpoints.s3Endpoint,
            // S3's own default region when the stack names none.
            region: endpoints.region ?? "us-east-1",
            ...(endpoints.credentials ? { credentials: endpoints.credentials } : {}),
            forcePathStyle: true,
            requestChecksumCalculation: "WHEN_REQUIRED",
            responseChecksumValidation: "WHEN_REQUIRED",
          }
        : {
            requestHandler,
            ...(endpoints.region ? { region: endpoints.region } : {}),
            // A context's AWS profile signs the uploads too (the SDK's chain reads it; nothing is stored).
            ...(endpoints.awsProfile
              ? {
                  credentials: (await import("@aws-sdk/credential-providers")).fromNodeProviderChain({
                    profile: endpoints.awsProfile,
                  }),
                }
              : {}),
          },
    );
    return new PipelineBucket(client, endpoints.bucket);
  }

  /**
   * Uploads the plan's files (siblings first, so the entry's build finds them) and answers how S3 names the
   * entry object it stored: its ETag and, in a versioned bucket, its version id.
   */
  async upload(plan: PushPlan): Promise<UploadRef> {
    const { PutObjectCommand } = await import("@aws-sdk/client-s3");
    let entry: UploadRef | undefined;
    const encoded = encodeBuildParameters(plan.buildParameters ?? {});
    const last = plan.files.at(-1);
    try {
      for (const file of plan.files) {
        const key = SOURCE_PREFIX + file.path;
        const out = await this.client.send(
          new PutObjectCommand({
            Bucket: this.name,
            Key: key,
            Body: file.text,
            ContentType: "text/plain; charset=utf-8",
            // The entry (uploaded last) carries them: its notification starts the build.
            ...(encoded && file === last ? { Metadata: { [BUILD_PARAMETERS_METADATA]: encoded } } : {}),
          }),
        );
        entry = { key, etag: out.ETag, versionId: out.VersionId };
      }
    } catch (cause) {
      throw new PushError(`uploading to s3://${this.name}/${SOURCE_PREFIX} failed`, { cause });
    }
    if (!entry) throw new PushError(`${plan.pipeline}: nothing to upload`);
    return entry;
  }

  /** The ETag of the object a key holds now; undefined when there is none. */
  async etag(key: string): Promise<string | undefined> {
    const { HeadObjectCommand } = await import("@aws-sdk/client-s3");
    try {
      return (await this.client.send(new HeadObjectCommand({ Bucket: this.name, Key: key }))).ETag;
    } catch (cause) {
      if ((cause as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return undefined;
      throw new PushError(`reading s3://${this.name}/${key} failed`, { cause });
    }
  }

  close(): void {
    this.client.destroy();
  }
}

/** A push under way: what was uploaded, and the pipeline's latest version number just before. */
export interface PushedUpload {
  contentHash: string;
  upload: UploadRef;
  /** The number of the pipeline's latest version before the upload (0: none). */
  after: number;
}

export const versionNumber = (version: string | undefined): number =>
  Number(/^v(\d+)$/.exec(version ?? "")?.[1] ?? 0);

/**
 * Which of a pipeline's versions (any order) the push's upload produced, or undefined while none has. The one
 * built from this very object (its S3 version id, in a versioned bucket); otherwise the first version after
 * the push with its content hash, or the latest one at push time when it already had that content (identical
 * content records no new version). Versions built from other pushes meanwhile are passed over.
 */
export function ownVersion(versions: PipelineVersion[], push: PushedUpload): PipelineVersion | undefined {
  const { versionId } = push.upload;
  if (versionId) {
    const exact = versions.find((v) => v.upload?.versionId === versionId);
    if (exact) return exact;
  }
  return versions
    .filter((v) => v.contentHash === push.contentHash && versionNumber(v.version) >= push.after)
    .sort((a, b) => versionNumber(a.version) - versionNumber(b.version))[0];
}

/**
 * Whether the upload was lost: the key now holds another upload (an unversioned bucket keeps only the last
 * one), whose build is already recorded, and no version has this push's content. Its own notification's build
 * then read the other upload: this content will not be built unless it is uploaded again.
 */
export function uploadReplaced(
  versions: PipelineVersion[],
  push: PushedUpload,
  currentEtag: string | undefined,
): boolean {
  if (push.upload.versionId || currentEtag === undefined || currentEtag === push.upload.etag) return false;
  return versions.some((v) => versionNumber(v.version) > push.after && v.upload?.etag === currentEtag);
}

/** The pipeline's latest version number now (0 when it has none): taken before an upload. */
export async function latestVersionNumber(client: ApiClient, pipeline: string): Promise<number> {
  return versionNumber((await client.findPipeline(pipeline, 1))?.latestVersion);
}

/** The pipeline's versions numbered above `after`, and that one (newest first), however many pages. */
async function versionsSince(client: ApiClient, pipeline: string, after: number): Promise<PipelineVersion[]> {
  const versions: PipelineVersion[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.findPipeline(pipeline, 20, cursor);
    if (!page) return versions;
    versions.push(...page.versions);
    cursor = page.cursor;
    const oldest = page.versions.at(-1);
    if (oldest === undefined || versionNumber(oldest.version) <= after) break;
  } while (cursor);
  return versions;
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Uploads again when the push's upload was replaced before its build read it; at most this many times. */
  reuploads?: number;
  /** Said on stderr (a re-upload). */
  note?: (message: string) => void;
}

/**
 * Polls the API until the version built from this push's upload is recorded, whatever else is pushed to the
 * same name meanwhile, and answers it (a failed build included: its diagnostics are this upload's). In an
 * unversioned bucket (the embedded stack's) another push may replace the object before the build reads it;
 * then the same files are uploaded again, so that this content is built too.
 */
export async function waitForBuild(
  client: ApiClient,
  bucket: PipelineBucket,
  plan: PushPlan,
  pushed: PushedUpload,
  options: WaitOptions = {},
): Promise<PipelineVersion> {
  const { timeoutMs, intervalMs, reuploads, note } = {
    timeoutMs: 120_000,
    intervalMs: 150,
    reuploads: 3,
    note: () => {},
    ...options,
  };
  const deadline = Date.now() + timeoutMs;
  let push = pushed;
  let uploadedAgain = 0;
  let replaced = false;
  for (let poll = 0; ; poll++) {
    const versions = await versionsSince(client, plan.pipeline, push.after);
    const own = ownVersion(versions, push);
    if (own) return own;
    // What the key holds is checked less often than the versions: only a concurrent push changes it.
    if (!push.upload.versionId && poll % 5 === 4) {
      const current = await bucket.etag(push.upload.key);
      replaced = current !== undefined && current !== push.upload.etag;
      if (uploadReplaced(versions, push, current) && uploadedAgain < reuploads) {
        uploadedAgain++;
        note(
          `another push replaced ${push.upload.key} before its build read this upload; uploading it again`,
        );
        const after = Math.max(0, ...versions.map((v) => versionNumber(v.version)));
        push = { ...push, after, upload: await bucket.upload(plan) };
        continue;
      }
    }
    if (Date.now() > deadline) {
      const why = replaced ? ` (${push.upload.key} was replaced by another upload meanwhile)` : "";
      throw new PushError(
        `no build of this upload of ${plan.pipeline} appeared within ${Math.round(timeoutMs / 1000)} s${why}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
