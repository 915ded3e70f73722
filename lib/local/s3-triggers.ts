import type { S3EventRecord } from "aws-lambda";
import { decodeEventKey } from "./s3-events";
import type { S3Trigger } from "./serverless/functions";

/** `s3:ObjectCreated:*` against a record's `ObjectCreated:Put`. */
function eventMatches(configured: string, eventName: string): boolean {
  const wanted = configured.replace(/^s3:/, "");
  if (wanted.endsWith(":*")) return eventName.startsWith(wanted.slice(0, -1));
  return wanted === eventName;
}

/**
 * Whether S3 would notify this trigger of this record: same bucket, a matching event type, and the key (as
 * stored, not as encoded in the event) within the prefix/suffix filter rules.
 */
export function s3TriggerMatches(trigger: S3Trigger, record: S3EventRecord): boolean {
  if (record.s3.bucket.name !== trigger.bucket) return false;
  if (!eventMatches(trigger.event, record.eventName)) return false;
  const key = decodeEventKey(record.s3.object.key);
  if (trigger.prefix !== undefined && !key.startsWith(trigger.prefix)) return false;
  if (trigger.suffix !== undefined && !key.endsWith(trigger.suffix)) return false;
  return true;
}
