import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArgoEngine } from "../../../../lib/engine/argo";
import { decodeEksToken } from "../../../../lib/engine/argo/eks-token";
import { EngineAuthError } from "../../../../lib/ports/engine-errors";
import { HELLO } from "../../../contract/engine.contract";
import { ScriptedArgoController } from "../../../support/fake-k8s/scripted-controller";
import { FakeKubeApiServer } from "../../../support/fake-k8s/server";

/**
 * EKS mode end to end: DescribeCluster (a local EKS endpoint through AWS_ENDPOINT_URL_EKS) gives the
 * API server's URL and CA; the API server speaks TLS with a certificate only that CA vouches for and
 * accepts only EKS tokens (presigned STS GetCallerIdentity for this cluster, as aws-iam-authenticator
 * checks before asking STS).
 */
const credentials = { accessKeyId: "AKIDEKSMODE", secretAccessKey: "secret-eks-mode" };
let dir: string;
let api: FakeKubeApiServer;
let eks: Server;
let eksUrl: string;
const describeCalls: string[] = [];
let caData: string;
const savedEndpoint = process.env.AWS_ENDPOINT_URL_EKS;

/** What EKS's authenticator checks on the token before it calls STS with it. */
function isEksToken(token: string | undefined, cluster: string): boolean {
  if (!token) return false;
  try {
    const url = decodeEksToken(token);
    const q = url.searchParams;
    return (
      url.host === "sts.us-east-1.amazonaws.com" &&
      q.get("Action") === "GetCallerIdentity" &&
      q.get("X-Amz-Expires") === "60" &&
      (q.get("X-Amz-SignedHeaders") ?? "").split(";").includes("x-k8s-aws-id") &&
      (q.get("X-Amz-Credential") ?? "").startsWith(`${credentials.accessKeyId}/`) &&
      Boolean(q.get("X-Amz-Signature")) &&
      cluster === "demo"
    );
  } catch {
    return false;
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "skiff-eks-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=fake-eks-api",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  const cert = readFileSync(join(dir, "cert.pem"), "utf8");
  caData = Buffer.from(cert).toString("base64");
  api = new FakeKubeApiServer({
    controller: new ScriptedArgoController(),
    tls: { key: readFileSync(join(dir, "key.pem"), "utf8"), cert },
    authorize: (token) => isEksToken(token, "demo"),
  });
  const apiUrl = await api.start();
  eks = createServer((req, res) => {
    describeCalls.push(`${req.method} ${req.url}`);
    const name = decodeURIComponent((req.url ?? "").split("/").pop() ?? "");
    if (name !== "demo") {
      res.writeHead(404, {
        "content-type": "application/json",
        "x-amzn-errortype": "ResourceNotFoundException",
      });
      res.end(JSON.stringify({ message: `No cluster found for name: ${name}.` }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        cluster: { name, endpoint: apiUrl, status: "ACTIVE", certificateAuthority: { data: caData } },
      }),
    );
  });
  await new Promise<void>((resolve) => eks.listen(0, "127.0.0.1", resolve));
  eksUrl = `http://127.0.0.1:${(eks.address() as AddressInfo).port}`;
  process.env.AWS_ENDPOINT_URL_EKS = eksUrl;
});

afterAll(async () => {
  if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_EKS;
  else process.env.AWS_ENDPOINT_URL_EKS = savedEndpoint;
  await api?.stop();
  await new Promise<void>((resolve) => (eks ? eks.close(() => resolve()) : resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe("EKS cluster access", () => {
  it("uses DescribeCluster's endpoint and CA (cached per container) and an EKS bearer token", async () => {
    const first = createArgoEngine({
      cluster: { mode: "eks", cluster: "demo", region: "us-east-1", credentials },
      namespace: "skiff",
    });
    const second = createArgoEngine({
      cluster: { mode: "eks", cluster: "demo", region: "us-east-1", credentials },
      namespace: "skiff",
    });
    const created = await first.submit(HELLO, { runId: `run-${randomUUID()}` });
    const listed = await second.list({ labelSelector: "skiff.dev/run-id" });
    expect(listed.items.map((wf) => wf.metadata.uid)).toContain(created.metadata.uid);
    expect(describeCalls).toEqual(["GET /clusters/demo"]);
    expect(api.requests.length).toBeGreaterThanOrEqual(2);
    expect(api.requests.every((r) => isEksToken(r.authorization?.replace(/^Bearer /, ""), "demo"))).toBe(
      true,
    );
  });

  it("trusts only the cluster's CA", async () => {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=someone-else",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        join(dir, "other-key.pem"),
        "-out",
        join(dir, "other.pem"),
      ],
      { stdio: "ignore" },
    );
    const otherCa = readFileSync(join(dir, "other.pem")).toString("base64");
    const engine = createArgoEngine(
      {
        cluster: {
          mode: "eks",
          cluster: "demo",
          region: "us-east-1",
          credentials,
          endpoint: api.url,
          caData: otherCa,
        },
        namespace: "skiff",
      },
      { retry: { attempts: 1 } },
    );
    const error = await engine.list().catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String(error.message)).toMatch(/certificate/i);
  });

  it("names the cluster when DescribeCluster fails", async () => {
    const engine = createArgoEngine({
      cluster: { mode: "eks", cluster: "missing", region: "us-east-1", credentials },
      namespace: "skiff",
    });
    const error = await engine.list().catch((e) => e);
    expect(error).toBeInstanceOf(EngineAuthError);
    expect(error.message).toMatch(/DescribeCluster missing in us-east-1 failed: No cluster found/);
  });
});
