import { createHash } from "node:crypto";
import type { RunStatus } from "../../ports/run-store";

/**
 * Item layout of the single table (see table.json). Every key is built here so that the layout reads in one
 * place:
 *
 * | item        | pk                   | sk                  | gsi1 (pipeline runs, pipelines) | gsi2 (status)   | gsi3 (search)                    | gsi4 (all runs) |
 * |-------------|----------------------|---------------------|---------------------------------|-----------------|----------------------------------|-----------------|
 * | pipeline    | PIPELINE#<name>      | PIPELINE            | PIPELINES / <name>              |                 |                                  |                 |
 * | version     | PIPELINE#<name>      | VERSION#<00000042>  |                                 |                 |                                  |                 |
 * | run         | RUN#<runId>          | RUN                 | RUNS#<pipeline> / <t>#<runId>   | STATUS#<s> / …  |                                  | RUNS / <t>#<id> |
 * | parameter   | RUN#<runId>          | PARAM#<name>        |                                 |                 | PARAM#<name>=<value> / <t>#<id>  |                 |
 * | step        | RUN#<runId>          | STEP#<nodeId>       |                                 |                 | TEMPLATE#<tpl> / <phase>#<t>#…   |                 |
 * | idempotency | IDEMPOTENCY#<key>    | IDEMPOTENCY         |                                 |                 |                                  |                 |
 * | outbox      | OUTBOX               | <runId>             |                                 |                 |                                  |                 |
 * | schedule    | SCHEDULE#<pipeline>  | SCHEDULE            | SCHEDULES / <pipeline>          |                 |                                  |                 |
 *
 * `<t>` is an ISO timestamp, so descending queries list newest first.
 */
export const SK_PIPELINE = "PIPELINE";
export const SK_RUN = "RUN";
export const SK_IDEMPOTENCY = "IDEMPOTENCY";
export const VERSION_PREFIX = "VERSION#";
export const STEP_PREFIX = "STEP#";
export const PARAM_PREFIX = "PARAM#";
export const PIPELINES_PARTITION = "PIPELINES";
export const ALL_RUNS_PARTITION = "RUNS";
/** Terminal runs whose completion event is not confirmed published yet (small: entries live for seconds). */
export const OUTBOX_PK = "OUTBOX";
export const SK_SCHEDULE = "SCHEDULE";
export const SCHEDULES_PARTITION = "SCHEDULES";

export const pipelinePk = (name: string) => `PIPELINE#${name}`;
export const versionSk = (n: number) => `${VERSION_PREFIX}${String(n).padStart(8, "0")}`;
export const runPk = (runId: string) => `RUN#${runId}`;
export const stepSk = (stepId: string) => `${STEP_PREFIX}${stepId}`;
export const paramSk = (name: string) => `${PARAM_PREFIX}${name}`;
export const schedulePk = (pipeline: string) => `SCHEDULE#${pipeline}`;
export const idempotencyPk = (key: string) => `IDEMPOTENCY#${key}`;
export const pipelineRunsPartition = (pipeline: string) => `RUNS#${pipeline}`;
export const statusPartition = (status: RunStatus) => `STATUS#${status}`;
export const templatePartition = (templateName: string) => `TEMPLATE#${templateName}`;
export const newestFirstKey = (createdAt: string, runId: string) => `${createdAt}#${runId}`;

/** Values longer than this are indexed by their hash: key attributes are limited in size, and equality is all we need. */
const MAX_INDEXED_VALUE = 512;

export function paramPartition(name: string, value: string): string {
  const indexed =
    value.length > MAX_INDEXED_VALUE ? `sha256:${createHash("sha256").update(value).digest("hex")}` : value;
  return `PARAM#${name}=${indexed}`;
}

/** Attributes that belong to the layout, not to the records; stripped when reading. */
export const LAYOUT_ATTRIBUTES = [
  "pk",
  "sk",
  "gsi1pk",
  "gsi1sk",
  "gsi2pk",
  "gsi2sk",
  "gsi3pk",
  "gsi3sk",
  "gsi4pk",
  "gsi4sk",
  "kind",
  "statusRank",
  "revision",
  "versionCount",
  "latestHash",
  "expiresAt",
  "attempt",
  "attemptStartedAt",
] as const;
