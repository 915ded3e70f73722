import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { type ArtifactStore, ArtifactStoreError } from "./store";

export interface S3ArtifactStoreOptions {
  bucket: string;
  /** Custom endpoint (s3rver, MinIO); AWS's when unset. */
  endpoint?: string;
  /** Region; defaults to `us-east-1`. */
  region?: string;
  /** Path-style addressing; defaults to true when `endpoint` is set (local servers need it). */
  forcePathStyle?: boolean;
  /** Key prefix inside the bucket; defaults to none. */
  prefix?: string;
  /** Static credentials; the SDK's default chain when unset. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Use this client instead of building one (the other connection options are then ignored). */
  client?: S3Client;
}

/** An artifact store speaking the S3 API (AWS S3, or the embedded stack's s3rver). */
export class S3ArtifactStore implements ArtifactStore {
  readonly location: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3ArtifactStoreOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? "";
    this.location = `s3://${options.bucket}/${this.prefix}`;
    this.client =
      options.client ??
      new S3Client({
        region: options.region ?? "us-east-1",
        forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
      });
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, Body: body }),
      );
    } catch (error) {
      throw new ArtifactStoreError(`cannot write ${key} to ${this.location}`, { cause: error });
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      );
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === "NoSuchKey") return undefined;
      throw new ArtifactStoreError(`cannot read ${key} from ${this.location}`, { cause: error });
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix + prefix,
            ContinuationToken: token,
          }),
        );
        for (const item of page.Contents ?? []) if (item.Key) keys.push(item.Key.slice(this.prefix.length));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw new ArtifactStoreError(`cannot list ${prefix} in ${this.location}`, { cause: error });
    }
    return keys.sort();
  }
}
