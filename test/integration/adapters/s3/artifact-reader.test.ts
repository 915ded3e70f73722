import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3ArtifactReader } from "../../../../lib/adapters/s3/artifact-reader";
import { readTarGzip } from "../../../../lib/client/archive";
import { type LocalS3, s3Client, startS3 } from "../../../support/servers";

// The artifact reader against s3rver: a presigned URL that S3 honours, the bytes of
// one object, and a directory stored as one object per file, packed as Argo's tar+gzip.
let s3: LocalS3;
beforeAll(async () => {
  s3 = await startS3({ buckets: ["skiff"] });
  const client = s3Client(s3.endpoint);
  const put = (Key: string, Body: string) =>
    client.send(new PutObjectCommand({ Bucket: "skiff", Key, Body }));
  await put("artifacts/r1/pod-1/main.tgz", "archived-bytes");
  await put("artifacts/r1/pod-1/dir/a.txt", "A");
  await put("artifacts/r1/pod-1/dir/deeper/b.txt", "BB");
});
afterAll(() => s3?.stop());

const reader = (mode: "presigned" | "bytes", urlTtlSeconds = 300) =>
  new S3ArtifactReader({ bucket: "skiff", client: s3Client(s3.endpoint), mode, urlTtlSeconds });

describe("S3ArtifactReader", () => {
  it("answers a short-lived presigned URL that S3 serves without other credentials", async () => {
    const found = await reader("presigned", 120).download("artifacts/r1/pod-1/main.tgz");
    expect(found?.kind).toBe("url");
    if (found?.kind !== "url") return;
    expect(found.size).toBe("archived-bytes".length);
    expect(new URL(found.url).searchParams.get("X-Amz-Expires")).toBe("120");
    expect(Date.parse(found.expiresAt) - Date.now()).toBeLessThanOrEqual(120_000);
    const response = await fetch(found.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("archived-bytes");
    expect(await reader("presigned").download("artifacts/r1/pod-1/absent")).toBeUndefined();
  });

  it("answers the bytes of one object, and packs a directory as tar+gzip under its name", async () => {
    const one = await reader("bytes").download("artifacts/r1/pod-1/main.tgz");
    expect(one?.kind === "bytes" && Buffer.from(one.body).toString()).toBe("archived-bytes");
    const dir = await reader("bytes").download("artifacts/r1/pod-1/dir", { directoryName: "out" });
    expect(dir?.kind === "bytes" && dir.contentType).toBe("application/gzip");
    if (dir?.kind !== "bytes") return;
    const entries = await readTarGzip(dir.body);
    expect(entries.map((e) => [e.name, Buffer.from(e.body).toString()])).toEqual([
      ["out/a.txt", "A"],
      ["out/deeper/b.txt", "BB"],
    ]);
    expect(await reader("bytes").download("artifacts/r1/none")).toBeUndefined();
  });
});
