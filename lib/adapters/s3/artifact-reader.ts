import { createGzip } from "node:zlib";
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { pack } from "tar-stream";
import type { ArtifactDownload, ArtifactReader } from "../../ports/artifact-reader";
import { isMissing, SpecStoreError } from "./spec-store";

export interface S3ArtifactReaderOptions {
  bucket: string;
  client: S3Client;
  /** `presigned` answers a URL (AWS), `bytes` the object (a local S3 server). */
  mode: "presigned" | "bytes";
  /** Lifetime of a presigned URL. */
  urlTtlSeconds: number;
  now?: () => Date;
}

/** Files packed into one download at most; a directory artifact larger than this is refused, not truncated. */
const MAX_DIRECTORY_FILES = 10_000;

/** `ArtifactReader` on the Skiff bucket. */
export class S3ArtifactReader implements ArtifactReader {
  constructor(private readonly options: S3ArtifactReaderOptions) {}

  async download(
    key: string,
    options: { directoryName?: string } = {},
  ): Promise<ArtifactDownload | undefined> {
    const { bucket, client } = this.options;
    try {
      const size = await this.sizeOf(key);
      if (this.options.mode === "presigned") {
        if (size === undefined) return undefined;
        const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), {
          expiresIn: this.options.urlTtlSeconds,
        });
        const now = this.options.now?.() ?? new Date();
        const expiresAt = new Date(now.getTime() + this.options.urlTtlSeconds * 1000).toISOString();
        return { kind: "url", url, expiresAt, size };
      }
      if (size !== undefined) {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const body = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
        return { kind: "bytes", body, size: body.length, contentType: "application/octet-stream" };
      }
      const files = await this.listUnder(`${key}/`);
      if (!files.length) return undefined;
      const body = await this.tarGzip(key, files, options.directoryName);
      return { kind: "bytes", body, size: body.length, contentType: "application/gzip" };
    } catch (error) {
      throw new SpecStoreError(`reading artifact s3://${bucket}/${key} failed`, { cause: error });
    }
  }

  async sizeOf(key: string): Promise<number | undefined> {
    try {
      const head = await this.options.client.send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }),
      );
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  private async listUnder(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.options.client.send(
        new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const item of page.Contents ?? []) if (item.Key) keys.push(item.Key);
      if (keys.length > MAX_DIRECTORY_FILES) {
        throw new Error(
          `more than ${MAX_DIRECTORY_FILES} files under ${prefix}; download them from S3 directly`,
        );
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  /** The files under `key/` as Argo archives a directory: a tar of the directory (named as its last segment), gzipped. */
  private async tarGzip(key: string, files: string[], directoryName?: string): Promise<Uint8Array> {
    const base = directoryName || key.split("/").at(-1) || "artifact";
    const archive = pack();
    const gzip = createGzip();
    const chunks: Buffer[] = [];
    gzip.on("data", (c: Buffer) => chunks.push(c));
    const done = new Promise<void>((resolve, reject) => {
      gzip.on("end", resolve);
      gzip.on("error", reject);
      archive.on("error", reject);
    });
    archive.pipe(gzip);
    for (const file of files) {
      const out = await this.options.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: file }),
      );
      const body = Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array());
      await new Promise<void>((resolve, reject) =>
        archive.entry({ name: `${base}/${file.slice(key.length + 1)}`, size: body.length }, body, (error) =>
          error ? reject(error) : resolve(),
        ),
      );
    }
    archive.finalize();
    await done;
    return new Uint8Array(Buffer.concat(chunks));
  }
}
