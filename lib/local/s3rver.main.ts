// The S3 emulator's own process. s3rver signs its ListObjectsV2 continuation tokens with single DES, which
// OpenSSL 3 only offers through its legacy provider; running it here, started with --openssl-legacy-provider,
// keeps that flag out of the CLI, the handlers and the test workers. It exits when its parent goes away.
import { rmSync } from "node:fs";
import S3rver from "s3rver";
import { DUMMY_ACCOUNT } from "s3rver/lib/models/account.js";
import { refusal } from "./loopback-guard";
import { S3RVER_CONFIG_ENV, type S3rverConfig, type S3rverMessage } from "./s3rver-protocol";

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

const send = (message: S3rverMessage) => process.send?.(message);

async function main(): Promise<void> {
  const config = JSON.parse(process.env[S3RVER_CONFIG_ENV] ?? "") as S3rverConfig;
  // However this process ends short of SIGKILL (parent gone, SIGTERM, a failed start), a temporary directory goes.
  if (config.temporary) process.on("exit", () => rmSync(config.directory, { recursive: true, force: true }));
  DUMMY_ACCOUNT.createKeyPair(config.credentials.accessKeyId, config.credentials.secretAccessKey);
  const server = new S3rver({
    address: config.address,
    port: config.port,
    directory: config.directory,
    silent: true,
    // Path-style only: every Skiff client sets forcePathStyle, and vhost matching would misread 127.0.0.1.
    vhostBuckets: false,
    configureBuckets: config.buckets.map((name) => ({ name })),
  });
  // Uploads become builds and schedules: local tools only, never another site's page (s3rver is a Koa app; the
  // guard runs before its own middleware).
  server.middleware.unshift(async (ctx, next) => {
    const problem = refusal(ctx.req.headers, ctx.req.socket.localPort ?? 0, true);
    if (!problem) return next();
    ctx.status = 403;
    ctx.type = "application/xml";
    ctx.body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>${escapeXml(problem)}</Message></Error>`;
  });
  server.on("event", (event) => send({ type: "event", event }));
  const address = await server.run();
  const shutdown = () => {
    // Keep-alive sockets can hold close() open; the parent is waiting, so do not linger.
    setTimeout(() => process.exit(0), 2000).unref();
    server.close().finally(() => process.exit(0));
  };
  process.on("disconnect", shutdown);
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", () => {});
  send({ type: "ready", port: address.port });
}

main().catch((error: unknown) => {
  send({ type: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
