// `skiff dashboard` against the real embedded stack, behind a stand-in for API Gateway's IAM auth that verifies
// every signature (test/support/sigv4-gateway.ts): the proxy as a real process signing with credentials from
// the standard AWS environment variables, the server function signing with a profile's, and the unsigned path
// of the embedded stack's context.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { startDashboardServer } from "../../../lib/cli/dashboard/server";
import { ApiClient } from "../../../lib/client/client";
import { dashboardAssets } from "../../../lib/dashboard/assets";
import { createS3Client } from "../../../lib/local/s3";
import { type Stack, startStack } from "../../../lib/local/stack";
import { waitForOutput } from "../../support/processes";
import { type SigV4Gateway, startSigV4Gateway } from "../../support/sigv4-gateway";
import { type TempDir, tempDir } from "../../support/temp-dir";

const SKIFF = fileURLToPath(new URL("../../../bin/skiff.js", import.meta.url));
const REGION = "eu-west-1";
const ENV_CREDENTIALS = {
  accessKeyId: "test-dashboard-env",
  secretAccessKey: "dashboard-test-secret-from-the-environment",
  sessionToken: "dashboard-test-session-token",
};
const PROFILE_CREDENTIALS = {
  accessKeyId: "test-dashboard-profile",
  secretAccessKey: "dashboard-test-secret-from-a-profile",
};

const GREET = `import { container, param, workflow } from "skiff";
export default workflow({
  generateName: "greet-",
  arguments: { who: param() },
  entrypoint: container({ name: "main", image: "alpine", command: ["echo", "{{workflow.parameters.who}}"] }),
});
`;

let stack: Stack;
let gateway: SigV4Gateway;
let work: TempDir;
const children: ChildProcess[] = [];
const logLevel = process.env.POWERTOOLS_LOG_LEVEL;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = "WARN";
  stack = await startStack({
    ephemeral: true,
    handlers: async () => (await import("../../../functions/index")).handlers,
    uploadExamples: false,
    schedules: false,
    log: () => {},
  });
  const s3 = createS3Client(stack.s3Endpoint);
  await s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: "pipelines/greet.ts", Body: GREET }));
  s3.destroy();
  await stack.idle();
  // 127.0.0.2 is this machine too, but not a name the CLI treats as the embedded stack: so it signs.
  gateway = await startSigV4Gateway({
    region: REGION,
    credentials: [ENV_CREDENTIALS, PROFILE_CREDENTIALS],
    upstream: stack.apiUrl,
    host: "127.0.0.2",
  });
  work = tempDir("dashboard");
}, 180_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await gateway?.stop();
  await stack?.stop();
  work?.remove();
  if (logLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
  else process.env.POWERTOOLS_LOG_LEVEL = logLevel;
});

/** `skiff dashboard --port 0` as a real process; resolves with the URL it prints first. */
async function startCli(args: string[], env: Record<string, string>, cwd: string) {
  let output = "";
  const child = spawn(process.execPath, [SKIFF, ...args, "dashboard", "--port", "0"], {
    cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: work.path,
      XDG_CONFIG_HOME: join(work.path, "config"),
      // Nothing of this machine's own AWS setup: only the credentials the test gives.
      AWS_SHARED_CREDENTIALS_FILE: join(work.path, "no-credentials"),
      AWS_CONFIG_FILE: join(work.path, "no-config"),
      AWS_EC2_METADATA_DISABLED: "true",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  await waitForOutput(child, () => output, "Ctrl-C");
  const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(output)?.[0];
  if (!url) throw new Error(`no URL in: ${output}`);
  return { child, url, output: () => output };
}

const json = { "content-type": "application/json", accept: "application/json" };

describe("skiff dashboard against a stage (SigV4-signed)", () => {
  let proxy: Awaited<ReturnType<typeof startCli>>;

  beforeAll(async () => {
    proxy = await startCli(
      [],
      {
        SKIFF_API_URL: gateway.url,
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: ENV_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ENV_CREDENTIALS.secretAccessKey,
        AWS_SESSION_TOKEN: ENV_CREDENTIALS.sessionToken,
      },
      work.path,
    );
  }, 60_000);

  it("prints its URL and serves the dashboard's page", async () => {
    expect(proxy.output()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\n/);
    expect(proxy.output()).toContain("signed with the AWS SDK's default credentials");
    const page = await fetch(proxy.url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/<html|<!doctype html/i);
  });

  it("signs an API GET and a POST with a body; the gateway verifies both, and the stack answers", async () => {
    const before = gateway.received.length;
    const list = await fetch(`${proxy.url}pipelines`, { headers: json });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: { name: string }[] }).items.map((p) => p.name)).toContain(
      "greet",
    );

    const body = JSON.stringify({ parameters: { who: "proxied wörld" } });
    const created = await fetch(`${proxy.url}pipelines/greet/runs`, {
      method: "POST",
      // What a browser might carry for another site: neither may reach the API.
      headers: { ...json, authorization: "Bearer browser-token", cookie: "session=browser" },
      body,
    });
    expect(created.status).toBe(201);
    const { runId } = (await created.json()) as { runId: string };
    const run = await fetch(`${proxy.url}runs/${runId}`, { headers: json });
    expect(await run.json()).toMatchObject({ runId, parameters: { who: "proxied wörld" } });
    const counts = await fetch(`${proxy.url}runs/counts?pipeline=greet&since=2026-01-01`);
    expect(await counts.json()).toMatchObject({ since: "2026-01-01T00:00:00.000Z" });

    // An action: a POST without a body, as the page sends it.
    const terminated = await fetch(`${proxy.url}runs/${runId}/terminate`, { method: "POST" });
    expect([202, 409]).toContain(terminated.status);

    const seen = gateway.received.slice(before);
    expect(seen.map((r) => [r.method, r.path.split("?")[0], r.verified])).toEqual([
      ["GET", "/pipelines", true],
      ["POST", "/pipelines/greet/runs", true],
      ["GET", `/runs/${runId}`, true],
      ["GET", "/runs/counts", true],
      ["POST", `/runs/${runId}/terminate`, true],
    ]);
    const post = seen[1];
    expect(post.body).toBe(body);
    expect(post.headers.cookie).toBeUndefined();
    expect(post.headers.authorization).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=${ENV_CREDENTIALS.accessKeyId}/\\d{8}/${REGION}/execute-api/`),
    );
    expect(post.headers["x-amz-security-token"]).toBe(ENV_CREDENTIALS.sessionToken);
  });

  it("the gateway refuses what the proxy did not sign: a tampered body, another path, no signature", async () => {
    const post = gateway.received.find((r) => r.method === "POST" && r.verified);
    if (!post) throw new Error("no signed POST recorded");
    // Its signature and exactly the headers it covers (fetch sets host and content-length itself).
    const covered = /SignedHeaders=([^,]+)/.exec(String(post.headers.authorization))?.[1].split(";") ?? [];
    const signed = Object.fromEntries(
      Object.entries(post.headers).filter(
        ([name]) => name === "authorization" || (covered.includes(name) && name !== "host"),
      ),
    ) as Record<string, string>;
    const tampered = await fetch(`${gateway.url}/pipelines/greet/runs`, {
      method: "POST",
      headers: signed,
      body: JSON.stringify({ parameters: { who: "someone else" } }),
    });
    expect(tampered.status).toBe(403);
    expect(gateway.received.at(-1)).toMatchObject({ verified: false, problem: "signature mismatch" });
    const elsewhere = await fetch(`${gateway.url}/pipelines/other/runs`, {
      method: "POST",
      headers: signed,
      body: post.body,
    });
    expect(elsewhere.status).toBe(403);
    const unsigned = await fetch(`${gateway.url}/pipelines`);
    expect(unsigned.status).toBe(403);
    expect(gateway.received.at(-1)).toMatchObject({ verified: false, problem: "no Authorization header" });
  });

  it("refuses a foreign page: another Origin, a cross-site fetch, another Host (DNS rebinding)", async () => {
    const before = gateway.received.length;
    const foreign = await fetch(`${proxy.url}pipelines/greet/runs`, {
      method: "POST",
      headers: { ...json, origin: "https://evil.example" },
      body: JSON.stringify({ parameters: { who: "evil" } }),
    });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { message: string }).message).toContain("evil.example");
    const crossSite = await fetch(`${proxy.url}runs`, { headers: { "sec-fetch-site": "cross-site" } });
    expect(crossSite.status).toBe(403);
    const port = new URL(proxy.url).port;
    for (const path of ["/runs", "/"]) {
      const rebound = await rawGet(port, path, `evil.example:${port}`);
      expect(rebound.status).toBe(403);
    }
    // The page's own calls pass: same origin, by either name of this machine.
    const own = await fetch(`${proxy.url}runs?limit=1`, {
      headers: { origin: proxy.url.slice(0, -1), "sec-fetch-site": "same-origin" },
    });
    expect(own.status).toBe(200);
    expect((await rawGet(port, "/runs?limit=1", `localhost:${port}`)).status).toBe(200);
    expect(gateway.received.length - before).toBe(2);
  });

  it("stops on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) => proxy.child.once("exit", resolve));
    proxy.child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});

describe("the dashboard server signing with a profile", () => {
  it("signs with the context's AWS profile; the API's refusals and bodies over the limit reach the page as errors", async () => {
    const credentials = join(work.path, "aws-credentials");
    writeFileSync(
      credentials,
      `[dash-test]\naws_access_key_id = ${PROFILE_CREDENTIALS.accessKeyId}\naws_secret_access_key = ${PROFILE_CREDENTIALS.secretAccessKey}\n`,
    );
    const saved = {
      file: process.env.AWS_SHARED_CREDENTIALS_FILE,
      config: process.env.AWS_CONFIG_FILE,
      imds: process.env.AWS_EC2_METADATA_DISABLED,
    };
    onTestFinished(() => {
      for (const [name, value] of [
        ["AWS_SHARED_CREDENTIALS_FILE", saved.file],
        ["AWS_CONFIG_FILE", saved.config],
        ["AWS_EC2_METADATA_DISABLED", saved.imds],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });
    process.env.AWS_SHARED_CREDENTIALS_FILE = credentials;
    process.env.AWS_CONFIG_FILE = join(work.path, "no-config");
    // Only the profile's credentials: not an instance role of the machine the test runs on.
    process.env.AWS_EC2_METADATA_DISABLED = "true";
    const server = await startDashboardServer({
      endpoints: { apiUrl: gateway.url, local: false, region: REGION, awsProfile: "dash-test" },
      assets: dashboardAssets(),
      maxBodyBytes: 1024,
    });
    try {
      const before = gateway.received.length;
      const answer = await fetch(`${server.url}pipelines/greet/versions/latest/spec`, {
        headers: { accept: "application/json" },
      });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ kind: "Workflow", metadata: { generateName: "greet-" } });
      const seen = gateway.received[before];
      expect(seen.verified).toBe(true);
      expect(seen.headers.authorization).toContain(`Credential=${PROFILE_CREDENTIALS.accessKeyId}/`);

      const large = await fetch(`${server.url}pipelines/greet/runs`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ parameters: { who: "x".repeat(2000) } }),
      });
      expect(large.status).toBe(413);
      expect(gateway.received.length).toBe(before + 1);
      // The stack's own validation comes back as it is: the page shows the API's 4xx.
      const invalid = await fetch(`${server.url}runs?status=Done`);
      expect(invalid.status).toBe(400);
      expect(await invalid.json()).toMatchObject({ details: [{ field: "query.status" }] });
    } finally {
      await server.close();
    }
    // A profile with no credentials: the page is told what to do, and nothing is sent.
    const unknown = await startDashboardServer({
      endpoints: { apiUrl: gateway.url, local: false, region: REGION, awsProfile: "dash-missing" },
      assets: dashboardAssets(),
    });
    try {
      const before = gateway.received.length;
      const answer = await fetch(`${unknown.url}pipelines`);
      expect(answer.status).toBe(401);
      expect(await answer.json()).toMatchObject({
        error: "no-credentials",
        message: expect.stringContaining("aws sso login --profile dash-missing"),
      });
      expect(gateway.received.length).toBe(before);
    } finally {
      await unknown.close();
    }
  });
});

describe("skiff dashboard's command line", () => {
  it("refuses a port that is not one with exit 2, and a port in use naming it", async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        let stderr = "";
        const child = spawn(process.execPath, [SKIFF, "dashboard", ...args], {
          cwd: work.path,
          env: { PATH: process.env.PATH ?? "", HOME: work.path, SKIFF_API_URL: gateway.url },
        });
        child.stderr.on("data", (d) => (stderr += d));
        child.on("exit", (code) => resolve({ code, stderr }));
      });
    expect(await run(["--port", "http"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--port"),
    });
    const taken = await startDashboardServer({
      endpoints: { apiUrl: gateway.url, local: true },
      assets: dashboardAssets(),
    });
    try {
      expect(await run(["--port", String(taken.port)])).toMatchObject({
        code: 1,
        stderr: expect.stringContaining(`port ${taken.port} on 127.0.0.1 is in use`),
      });
    } finally {
      await taken.close();
    }
  });
});

describe("skiff dashboard against the embedded stack (unsigned)", () => {
  it("forwards as is: the stack answers, and nothing is signed", async () => {
    const project = join(work.path, "project");
    mkdirSync(join(project, ".skiff"), { recursive: true });
    writeFileSync(join(project, ".skiff", "stack.json"), JSON.stringify({ apiUrl: stack.apiUrl }));
    const proxy = await startCli(["--context", "local"], {}, project);
    expect(proxy.output()).toContain("the embedded stack, unsigned");
    expect((await fetch(proxy.url)).status).toBe(200);
    const created = await fetch(`${proxy.url}pipelines/greet/runs`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ parameters: { who: "local" } }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ caller: "local", pipeline: "greet" });
    // The client's call for the counts, through the proxy like any program pointed at it.
    const client = new ApiClient({ apiUrl: proxy.url.replace(/\/$/, ""), local: true });
    const { counts, since } = await client.countRuns({ pipeline: "greet", "param.who": "local" });
    expect(since).toBeNull();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1);

    // In front of the gateway instead, the same context's requests arrive without any signature.
    const server = await startDashboardServer({
      endpoints: { apiUrl: gateway.url, local: true },
      assets: dashboardAssets(),
    });
    try {
      expect((await fetch(`${server.url}pipelines`)).status).toBe(403);
      expect(gateway.received.at(-1)?.headers.authorization).toBeUndefined();
    } finally {
      await server.close();
      proxy.child.kill("SIGTERM");
    }
  });
});

/** A GET with a Host header of the test's choosing (fetch sets its own). */
async function rawGet(port: string, path: string, host: string): Promise<{ status: number }> {
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: Number(port), path, headers: { host } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on("error", reject);
    req.end();
  });
}
