// s3rver 3.7.1 ships no types; only what lib/local uses is declared.
declare module "s3rver" {
  import type { EventEmitter } from "node:events";
  import type { IncomingMessage } from "node:http";
  import type { AddressInfo } from "node:net";

  /** The part of Koa's context the stack's guard uses (s3rver is a Koa application). */
  interface KoaContext {
    req: IncomingMessage;
    status: number;
    type: string;
    body: unknown;
  }

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: Array<{ name: string; configs?: Array<string | Buffer> }>;
  }

  class S3rver extends EventEmitter {
    constructor(options?: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    /** Koa's middleware list, composed when the server starts listening. */
    middleware: Array<(ctx: KoaContext, next: () => Promise<void>) => Promise<void> | void>;
  }
  export default S3rver;
}

declare module "s3rver/lib/models/account.js" {
  interface AWSAccount {
    createKeyPair(accessKeyId: string, secretAccessKey: string): void;
  }
  export const DUMMY_ACCOUNT: AWSAccount;
}
