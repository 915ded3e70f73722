/** The `SpecStore` port: pipeline sources and compiled specs (S3 in every stage). */
export interface StoredObject {
  body: string;
  etag?: string;
  /** S3 object version, when the bucket is versioned. */
  versionId?: string;
  lastModified?: Date;
  /** The object's user metadata (`x-amz-meta-*`), names lower-cased as S3 keeps them. */
  metadata?: Record<string, string>;
}

export interface SpecStore {
  /** Reads any key (the given S3 version of it, when the bucket is versioned); undefined when absent. */
  get(key: string, options?: { versionId?: string }): Promise<StoredObject | undefined>;
  put(
    key: string,
    body: string,
    options?: { contentType?: string },
  ): Promise<{ etag?: string; versionId?: string }>;
  /** Keys under a prefix, in key order. */
  list(prefix: string): Promise<string[]>;
}

/** S3 key layout: sources, Specs, logs and artifacts of the pipelines bucket. */
export const keys = {
  pipelineSource: (name: string) => `pipelines/${name}.ts`,
  spec: (name: string, version: string) => `specs/${name}/${version}.yaml`,
  artifacts: (runId: string) => `artifacts/${runId}/`,
  stepLog: (runId: string, stepId: string) => `logs/${runId}/${stepId}.log`,
} as const;
