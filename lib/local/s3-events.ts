import type { S3Event, S3EventRecord } from "aws-lambda";
import { LOCAL_REGION } from "./credentials";

/**
 * Encodes a key the way S3 writes it into event notifications: form-encoding (space → `+`, everything but
 * letters, digits and `*-._` percent-encoded), with `/` kept as the separator. s3rver writes raw keys.
 */
export function encodeEventKey(key: string): string {
  return key
    .split("/")
    .map((segment) => new URLSearchParams({ k: segment }).toString().slice(2))
    .join("/");
}

/** The inverse, as a handler does it: `+` is a space, then percent-decoding. */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, " "));
}

/** s3rver reports IPv6 or IPv4-mapped peers; S3 (and Powertools' schema) carry an IPv4 address. */
function ipv4(address: string | undefined): string {
  const mapped = address?.replace(/^::ffff:/, "");
  return mapped && /^\d{1,3}(\.\d{1,3}){3}$/.test(mapped) ? mapped : "127.0.0.1";
}

/** Rewrites one s3rver event so that it looks exactly like a real S3 notification. */
export function toS3Notification(event: S3Event, region: string = LOCAL_REGION): S3Event {
  return {
    Records: event.Records.map(
      (record): S3EventRecord => ({
        ...record,
        eventVersion: "2.1",
        awsRegion: region,
        requestParameters: { sourceIPAddress: ipv4(record.requestParameters?.sourceIPAddress) },
        s3: {
          ...record.s3,
          bucket: { ...record.s3.bucket, arn: `arn:aws:s3:::${record.s3.bucket.name}` },
          object: { ...record.s3.object, key: encodeEventKey(record.s3.object.key) },
        },
      }),
    ),
  };
}
