import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import type { SpecStore, StoredObject } from "../../ports/spec-store";

export class SpecStoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SpecStoreError";
  }
}

export interface S3SpecStoreOptions {
  bucket: string;
  /** Default: a client from the environment (`AWS_ENDPOINT_URL_S3` etc.). */
  client?: S3Client;
}

/** `SpecStore` on the pipelines bucket. */
export class S3SpecStore implements SpecStore {
  readonly bucket: string;
  private readonly client: S3Client;

  constructor(options: S3SpecStoreOptions) {
    this.bucket = options.bucket;
    this.client = options.client ?? new S3Client({});
  }

  async get(key: string, options: { versionId?: string } = {}): Promise<StoredObject | undefined> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: options.versionId }),
      );
      const body = (await out.Body?.transformToString("utf8")) ?? "";
      return {
        body,
        etag: out.ETag,
        versionId: out.VersionId,
        lastModified: out.LastModified,
        ...(out.Metadata && Object.keys(out.Metadata).length ? { metadata: out.Metadata } : {}),
      };
    } catch (error) {
      if (isMissing(error)) return undefined;
      const version = options.versionId ? ` (version ${options.versionId})` : "";
      throw new SpecStoreError(`reading s3://${this.bucket}/${key}${version} failed`, { cause: error });
    }
  }

  async put(
    key: string,
    body: string,
    options: { contentType?: string } = {},
  ): Promise<{ etag?: string; versionId?: string }> {
    try {
      const out = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: options.contentType ?? contentTypeOf(key),
        }),
      );
      return { etag: out.ETag, versionId: out.VersionId };
    } catch (error) {
      throw new SpecStoreError(`writing s3://${this.bucket}/${key} failed`, { cause: error });
    }
  }

  async list(prefix: string): Promise<string[]> {
    const found: string[] = [];
    let token: string | undefined;
    try {
      do {
        const out = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const item of out.Contents ?? []) if (item.Key) found.push(item.Key);
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw new SpecStoreError(`listing s3://${this.bucket}/${prefix} failed`, { cause: error });
    }
    return found.sort();
  }
}

export function isMissing(error: unknown): boolean {
  if (error instanceof NoSuchKey) return true;
  return (
    error instanceof S3ServiceException &&
    (error.name === "NoSuchKey" || error.$metadata?.httpStatusCode === 404)
  );
}

function contentTypeOf(key: string): string {
  if (key.endsWith(".yaml") || key.endsWith(".yml")) return "application/yaml";
  if (key.endsWith(".json")) return "application/json";
  if (key.endsWith(".ts")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}
