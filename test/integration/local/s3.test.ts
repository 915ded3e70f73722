import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  paginateListObjectsV2,
} from "@aws-sdk/client-s3";
import type { S3Event } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEventKey } from "../../../lib/local/s3-events";
import { rawRequest } from "../../support/raw-http";
import { type LocalS3, s3Client, startS3 } from "../../support/servers";

describe("local S3 (s3rver)", () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startS3({ buckets: ["pipelines"] });
  });
  afterAll(() => s3?.stop());

  it("stores and returns objects through the SDK client", async () => {
    const client = s3Client(s3.endpoint);
    await client.send(new PutObjectCommand({ Bucket: "pipelines", Key: "a/b.txt", Body: "hello" }));
    const got = await client.send(new GetObjectCommand({ Bucket: "pipelines", Key: "a/b.txt" }));
    expect(await got.Body?.transformToString()).toBe("hello");
  });

  it("refuses another site's page: another Host (DNS rebinding), another Origin, a cross-site request", async () => {
    const port = Number(new URL(s3.endpoint).port);
    const put = (headers: Record<string, string>) =>
      rawRequest(port, "/pipelines/pipelines/evil/pipeline.ts", { method: "PUT", headers, body: "x" });
    const rebound = await put({ host: `attacker.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toMatch(/<Code>AccessDenied<\/Code>.*Host &#34;attacker.example:\d+&#34;/);
    expect((await put({ host: `127.0.0.1:${port}`, origin: "https://attacker.example" })).status).toBe(403);
    expect((await put({ host: `localhost:${port}`, "sec-fetch-site": "cross-site" })).status).toBe(403);
    const listed = await s3Client(s3.endpoint).send(
      new ListObjectsV2Command({ Bucket: "pipelines", Prefix: "pipelines/evil/" }),
    );
    expect(listed.KeyCount ?? 0).toBe(0);
  });

  it("pages through listings (continuation tokens need the emulator's legacy OpenSSL provider)", async () => {
    const client = s3Client(s3.endpoint);
    await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        client.send(new PutObjectCommand({ Bucket: "pipelines", Key: `paged/${i}.txt`, Body: String(i) })),
      ),
    );
    const keys: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2(
      { client, pageSize: 3 },
      { Bucket: "pipelines", Prefix: "paged/" },
    )) {
      pages++;
      keys.push(...(page.Contents ?? []).map((o) => o.Key as string));
    }
    expect(pages).toBe(3);
    expect(keys).toEqual(Array.from({ length: 7 }, (_, i) => `paged/${i}.txt`));
    const first = await client.send(
      new ListObjectsV2Command({ Bucket: "pipelines", Prefix: "paged/", MaxKeys: 3 }),
    );
    expect(first.IsTruncated).toBe(true);
  });

  it("emits object-created notifications shaped like real S3's, with URL-encoded keys", async () => {
    const client = s3Client(s3.endpoint);
    const key = "pipelines/my pipeline+v(1).ts";
    const received = new Promise<S3Event>((resolve) => {
      const listener = (event: S3Event) => {
        if (decodeEventKey(event.Records[0].s3.object.key) === key) {
          s3.events.off("event", listener);
          resolve(event);
        }
      };
      s3.events.on("event", listener);
    });
    await client.send(new PutObjectCommand({ Bucket: "pipelines", Key: key, Body: "export {}" }));
    const record = (await received).Records[0];
    expect(record.eventName).toBe("ObjectCreated:Put");
    expect(record.eventSource).toBe("aws:s3");
    expect(record.s3.bucket).toMatchObject({ name: "pipelines", arn: "arn:aws:s3:::pipelines" });
    expect(record.s3.object.key).toBe("pipelines/my+pipeline%2Bv%281%29.ts");
    expect(record.s3.object.size).toBe(9);
    expect(record.requestParameters.sourceIPAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it("keeps objects in its directory across a restart", async () => {
    const first = await startS3({ buckets: ["kept"] });
    const directory = first.directory;
    await s3Client(first.endpoint).send(new PutObjectCommand({ Bucket: "kept", Key: "k", Body: "v" }));
    await first.stop();
    // A temporary directory is removed on stop; restart on an explicit directory instead.
    const dir = `${directory}-explicit`;
    const a = await startS3({ directory: dir, buckets: ["kept"] });
    await s3Client(a.endpoint).send(new PutObjectCommand({ Bucket: "kept", Key: "k", Body: "v2" }));
    await a.stop();
    const b = await startS3({ directory: dir, buckets: ["kept"] });
    try {
      const got = await s3Client(b.endpoint).send(new GetObjectCommand({ Bucket: "kept", Key: "k" }));
      expect(await got.Body?.transformToString()).toBe("v2");
    } finally {
      await b.stop();
      const { rmSync } = await import("node:fs");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
