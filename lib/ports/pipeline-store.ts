import type { Diagnostic } from "../compiler/diagnostics";
import type { Page, PageQuery } from "./page";

/**
 * The `PipelineStore` port: pipelines and their versions, one per build of an upload (DynamoDB,
 * lib/adapters/dynamodb/pipeline-store.ts). A version's Spec itself lives in the `SpecStore` (spec-store.ts).
 */
/** One stored object of an upload, as S3 identifies it. */
export interface UploadRef {
  key: string;
  etag?: string;
  versionId?: string;
}

export interface PipelineRecord {
  name: string;
  latestVersion?: string;
  /** Latest version that built successfully: what runs use by default. */
  latestGoodVersion?: string;
  lastBuild?: { version: string; ok: boolean; diagnostics: Diagnostic[]; at: string };
  updatedAt: string;
}

export interface PipelineVersion {
  pipeline: string;
  /** `v1`, `v2`, ... in upload order. */
  version: string;
  contentHash: string;
  sourceSize: number;
  specKey?: string;
  ok: boolean;
  /** Declared workflow parameters (name, default, enum, description). */
  parameters: Array<{ name: string; default?: string; enum?: string[]; description?: string }>;
  templateCount: number;
  diagnostics: Diagnostic[];
  createdAt: string;
  /**
   * The upload the version was built from: its entry object's ETag and, in a versioned bucket, S3 version id.
   * `skiff push` finds the version its own upload produced by it. Absent on versions recorded before.
   */
  upload?: UploadRef;
  /** The build parameters the upload carried (`skiff push -p`, or its S3 metadata); absent when none. */
  buildParameters?: Record<string, string>;
}

export interface PipelineStore {
  /** Records the next version; identical content to the latest returns that version and created=false. */
  recordVersion(
    version: Omit<PipelineVersion, "version">,
  ): Promise<{ version: PipelineVersion; created: boolean }>;
  getPipeline(name: string): Promise<PipelineRecord | undefined>;
  listPipelines(options?: PageQuery): Promise<Page<PipelineRecord>>;
  /** Newest first. */
  listVersions(name: string, options?: PageQuery): Promise<Page<PipelineVersion>>;
  getVersion(name: string, version: string): Promise<PipelineVersion | undefined>;
}
