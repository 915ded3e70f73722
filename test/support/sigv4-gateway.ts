// A stand-in for API Gateway's IAM auth: a real HTTP server that recomputes each request's SigV4 signature from
// what it received (method, path, query, the signed headers, the body's own hash) with @smithy/signature-v4 and
// known credentials, answers a mismatch with 403 as API Gateway does, and forwards what verifies to `upstream`
// (or, without one, answers with what it received).

import { createServer, type IncomingMessage, request } from "node:http";
import type { AddressInfo } from "node:net";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";

export interface GatewayCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  /** Whether the signature verified; why not otherwise. */
  verified: boolean;
  problem?: string;
}

export interface SigV4Gateway {
  url: string;
  received: ReceivedRequest[];
  stop(): Promise<void>;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

/** Why the request's signature does not hold, or undefined when it does. */
export async function verifySigV4(
  req: { method: string; url: string; headers: IncomingMessage["headers"] },
  body: Buffer,
  options: { region: string; credentials: GatewayCredentials[] },
): Promise<string | undefined> {
  const authorization = req.headers.authorization;
  if (!authorization) return "no Authorization header";
  const match = AUTHORIZATION.exec(authorization);
  if (!match) return "not a SigV4 Authorization header";
  const [, accessKeyId, , region, service, signedHeaders] = match;
  const credentials = options.credentials.find((c) => c.accessKeyId === accessKeyId);
  if (!credentials) return `unknown access key ${accessKeyId}`;
  if (region !== options.region || service !== "execute-api") return `scope ${region}/${service}`;
  const amzDate = String(req.headers["x-amz-date"] ?? "");
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!date) return "no X-Amz-Date";
  const signingDate = new Date(`${date[1]}-${date[2]}-${date[3]}T${date[4]}:${date[5]}:${date[6]}Z`);
  if (Math.abs(Date.now() - signingDate.getTime()) > 5 * 60_000) return "X-Amz-Date too far from now";
  if (credentials.sessionToken && req.headers["x-amz-security-token"] !== credentials.sessionToken) {
    return "wrong security token";
  }
  // The signed headers as received; the payload hash is recomputed from the body that arrived, not trusted.
  const headers: Record<string, string> = {};
  for (const name of signedHeaders.split(";")) {
    if (name === "x-amz-content-sha256") continue;
    const value = req.headers[name];
    if (value === undefined) return `signed header ${name} is missing`;
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const url = new URL(req.url, `http://${req.headers.host}`);
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const signer = new SignatureV4({ service: "execute-api", region, credentials, sha256: Sha256 });
  const expected = await signer.sign(
    new HttpRequest({
      method: req.method,
      protocol: "http:",
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query,
      headers,
      body,
    }),
    { signingDate },
  );
  return expected.headers.authorization === authorization ? undefined : "signature mismatch";
}

export async function startSigV4Gateway(options: {
  region: string;
  credentials: GatewayCredentials[];
  /** Where verified requests go (the embedded stack's API); without one, the gateway answers them itself. */
  upstream?: string;
  /** Address to listen on. Default: 127.0.0.1. */
  host?: string;
}): Promise<SigV4Gateway> {
  const host = options.host ?? "127.0.0.1";
  const received: ReceivedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const problem = await verifySigV4(
      { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers },
      body,
      options,
    );
    received.push({
      method: req.method ?? "GET",
      path: req.url ?? "/",
      headers: req.headers,
      body: body.toString("utf8"),
      verified: problem === undefined,
      ...(problem ? { problem } : {}),
    });
    if (problem) {
      res
        .writeHead(403, { "content-type": "application/json" })
        .end(JSON.stringify({ message: "Forbidden" }));
      return;
    }
    if (!options.upstream) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ method: req.method, path: req.url, body: body.toString("utf8") }));
      return;
    }
    const target = new URL(req.url ?? "/", options.upstream);
    const headers = { ...req.headers };
    delete headers.authorization;
    delete headers.host;
    const forwarded = request(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forwarded.on("error", () => res.destroy());
    forwarded.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
