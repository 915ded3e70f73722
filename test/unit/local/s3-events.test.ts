import type { S3Event } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { decodeEventKey, encodeEventKey, toS3Notification } from "../../../lib/local/s3-events";
import { s3TriggerMatches } from "../../../lib/local/s3-triggers";

describe("event keys", () => {
  it("are encoded as S3 writes them (form encoding, slashes kept)", () => {
    expect(encodeEventKey("pipelines/my pipeline.ts")).toBe("pipelines/my+pipeline.ts");
    expect(encodeEventKey("a+b=c/ü (1).ts")).toBe("a%2Bb%3Dc/%C3%BC+%281%29.ts");
    expect(encodeEventKey("safe-_.*chars")).toBe("safe-_.*chars");
  });

  it("round-trip through the decoding handlers do", () => {
    for (const key of ["pipelines/x y+z.ts", "ä/ö/ü.ts", "100%/a&b.ts"]) {
      expect(decodeEventKey(encodeEventKey(key))).toBe(key);
    }
  });
});

const s3rverEvent = (key: string, eventName = "ObjectCreated:Put"): S3Event => ({
  Records: [
    {
      eventVersion: "2.0",
      eventSource: "aws:s3",
      awsRegion: "us-east-1",
      eventTime: "2026-01-01T00:00:00.000Z",
      eventName,
      userIdentity: { principalId: "AWS:X" },
      requestParameters: { sourceIPAddress: "::ffff:127.0.0.1" },
      responseElements: { "x-amz-request-id": "r", "x-amz-id-2": "i" },
      s3: {
        s3SchemaVersion: "1.0",
        configurationId: "testConfigId",
        bucket: { name: "b", ownerIdentity: { principalId: "P" }, arn: "arn:aws:s3: : :b" },
        object: { key, size: 3, eTag: "e", sequencer: "1" },
      },
    },
  ],
});

describe("toS3Notification", () => {
  it("fixes what s3rver gets wrong: key encoding, bucket ARN, IPv4 source, region", () => {
    const [record] = toS3Notification(s3rverEvent("pipelines/a b.ts"), "eu-west-1").Records;
    expect(record.s3.object.key).toBe("pipelines/a+b.ts");
    expect(record.s3.bucket.arn).toBe("arn:aws:s3:::b");
    expect(record.requestParameters.sourceIPAddress).toBe("127.0.0.1");
    expect(record.awsRegion).toBe("eu-west-1");
  });
});

describe("s3TriggerMatches", () => {
  const trigger = {
    kind: "s3" as const,
    bucket: "b",
    event: "s3:ObjectCreated:*",
    prefix: "pipelines/",
    suffix: ".ts",
  };
  const record = (key: string, eventName?: string) =>
    toS3Notification(s3rverEvent(key, eventName)).Records[0];

  it("applies bucket, event type, prefix and suffix on the stored key", () => {
    expect(s3TriggerMatches(trigger, record("pipelines/a b.ts"))).toBe(true);
    expect(s3TriggerMatches(trigger, record("pipelines/a.md"))).toBe(false);
    expect(s3TriggerMatches(trigger, record("other/a.ts"))).toBe(false);
    expect(s3TriggerMatches(trigger, record("pipelines/a.ts", "ObjectRemoved:Delete"))).toBe(false);
    expect(s3TriggerMatches({ ...trigger, bucket: "c" }, record("pipelines/a.ts"))).toBe(false);
    expect(s3TriggerMatches({ ...trigger, event: "s3:ObjectCreated:Put" }, record("pipelines/a.ts"))).toBe(
      true,
    );
  });
});
