import { readFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/credentials";
import { contentHash } from "../../pipelines/content-hash";
import { pipelineNameProblem, SOURCE_PREFIX } from "../../pipelines/names";
import type { PipelineVersion } from "../../ports/run-store";
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
}

/**
 * Plans a push: the pipeline's name (`<name>.ts`, or the directory of a `pipeline.ts`), and the files it
 * imports relatively (found with esbuild, which also resolves them in the build). A pipeline without
 * sibling imports is uploaded as `pipelines/<name>.ts`; one with siblings as `pipelines/<name>/pipeline.ts`
 * next to them. Imports outside the entry's directory cannot be uploaded and are refused.
 */
export async function planPush(file: string, name?: string): Promise<PushPlan> {
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
  return {
    pipeline,
    files,
    contentHash: contentHash(Object.fromEntries(files.map((f) => [f.path, f.text]))),
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

/** Uploads the plan's files to the pipelines bucket (siblings first, so the entry's build finds them). */
export async function uploadPlan(plan: PushPlan, endpoints: Endpoints): Promise<void> {
  if (!endpoints.bucket) throw new PushError("the pipelines bucket is unknown: set SKIFF_BUCKET");
  const { S3Client, PutObjectCommand } = await import("@aws-sdk/client-s3");
  const client = new S3Client(
    endpoints.local
      ? {
          endpoint: endpoints.s3Endpoint,
          region: endpoints.region ?? LOCAL_REGION,
          credentials: LOCAL_CREDENTIALS,
          forcePathStyle: true,
          requestChecksumCalculation: "WHEN_REQUIRED",
          responseChecksumValidation: "WHEN_REQUIRED",
        }
      : { ...(endpoints.region ? { region: endpoints.region } : {}) },
  );
  try {
    for (const file of plan.files) {
      await client.send(
        new PutObjectCommand({
          Bucket: endpoints.bucket,
          Key: SOURCE_PREFIX + file.path,
          Body: file.text,
          ContentType: "text/plain; charset=utf-8",
        }),
      );
    }
  } catch (cause) {
    throw new PushError(`uploading to s3://${endpoints.bucket}/${SOURCE_PREFIX} failed`, { cause });
  } finally {
    client.destroy();
  }
}

/** Polls the API until the pipeline's latest version carries the plan's content hash. */
export async function waitForBuild(
  client: ApiClient,
  plan: PushPlan,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<PipelineVersion> {
  const { timeoutMs, intervalMs } = { timeoutMs: 120_000, intervalMs: 150, ...options };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pipeline = await client.findPipeline(plan.pipeline, 1);
    const latest = pipeline?.versions[0];
    if (latest && latest.contentHash === plan.contentHash) return latest;
    if (Date.now() > deadline) {
      throw new PushError(`no build of ${plan.pipeline} appeared within ${Math.round(timeoutMs / 1000)} s`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
