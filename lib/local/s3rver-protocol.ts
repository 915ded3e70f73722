import type { S3Event } from "aws-lambda";

/** What the parent tells the S3 emulator process, in the `SKIFF_S3RVER_CONFIG` environment variable. */
export interface S3rverConfig {
  directory: string;
  address: string;
  port: number;
  buckets: string[];
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** Messages from the emulator process to its parent over the IPC channel. */
export type S3rverMessage =
  | { type: "ready"; port: number }
  | { type: "event"; event: S3Event }
  | { type: "error"; message: string };

export const S3RVER_CONFIG_ENV = "SKIFF_S3RVER_CONFIG";
