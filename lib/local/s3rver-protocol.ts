import type { S3Event } from "aws-lambda";

/** What the parent tells the S3 emulator process, in the `SKIFF_S3RVER_CONFIG` environment variable. */
export interface S3rverConfig {
  directory: string;
  /**
   * The directory is a temporary one: the emulator removes it as it exits. The parent removes it too once the
   * emulator has stopped; this covers a parent that is killed (the emulator exits when it loses its parent).
   */
  temporary?: boolean;
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
