// The dashboard through `skiff dashboard`'s server in headless chromium and firefox, against the real embedded stack behind a
// gateway that verifies every SigV4 signature (test/support/sigv4-gateway.ts): the page works as it does on the
// stack itself, every call it makes arrives signed, and a page of another site cannot make calls through it.

import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DashboardServer, startDashboardServer } from "../../lib/cli/dashboard/server";
import { dashboardAssets } from "../../lib/dashboard/assets";
import type { Stack } from "../../lib/local/stack";
import { BROWSERS, browserSuite } from "../support/browser";
import { startDashboardStack } from "../support/dashboard-stack";
import { type SigV4Gateway, startSigV4Gateway } from "../support/sigv4-gateway";
import { type TempDir, tempDir } from "../support/temp-dir";

const REGION = "eu-west-1";
const CREDENTIALS = {
  accessKeyId: "test-dashboard-browser",
  secretAccessKey: "dashboard-browser-test-secret",
};

let stack: Stack;
let gateway: SigV4Gateway;
let proxy: DashboardServer;
let foreign: Server;
let foreignUrl: string;
let work: TempDir;
const saved = { file: process.env.AWS_SHARED_CREDENTIALS_FILE, config: process.env.AWS_CONFIG_FILE };

beforeAll(async () => {
  stack = await startDashboardStack();
  gateway = await startSigV4Gateway({ region: REGION, credentials: [CREDENTIALS], upstream: stack.apiUrl });
  work = tempDir("dashboard-browser");
  const credentials = join(work.path, "credentials");
  writeFileSync(
    credentials,
    `[dash-browser]\naws_access_key_id = ${CREDENTIALS.accessKeyId}\naws_secret_access_key = ${CREDENTIALS.secretAccessKey}\n`,
  );
  process.env.AWS_SHARED_CREDENTIALS_FILE = credentials;
  process.env.AWS_CONFIG_FILE = join(work.path, "no-config");
  proxy = await startDashboardServer({
    endpoints: { apiUrl: gateway.url, local: false, region: REGION, awsProfile: "dash-browser" },
    assets: dashboardAssets(),
  });
  // Another site on this machine (127.0.0.3 is loopback too, and another origin): a page that tries to use
  // the proxy, with a form POST and a no-cors fetch, which need no CORS permission to be sent.
  foreign = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<!doctype html><html><body><p>elsewhere</p>
<form id="f" method="POST" action="${proxy.url}pipelines/hello/runs" enctype="text/plain"><input name='{"a":"' value='"}'></form>
<script>
  window.tried = fetch("${proxy.url}pipelines/hello/runs", { method: "POST", mode: "no-cors", body: "{}" })
    .then(() => "sent", () => "refused");
</script></body></html>`);
  });
  await new Promise<void>((resolve) => foreign.listen(0, "127.0.0.3", resolve));
  foreignUrl = `http://127.0.0.3:${(foreign.address() as AddressInfo).port}/`;
}, 240_000);

afterAll(async () => {
  await proxy?.close();
  await new Promise((resolve) => (foreign ? foreign.close(resolve) : resolve(undefined)));
  await gateway?.stop();
  await stack?.stop();
  work?.remove();
  for (const [name, value] of [
    ["AWS_SHARED_CREDENTIALS_FILE", saved.file],
    ["AWS_CONFIG_FILE", saved.config],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe.each(BROWSERS)("the dashboard through skiff dashboard (SigV4-signed), in %s", (name) => {
  const browser = browserSuite(() => proxy.url.replace(/\/$/, ""), name);

  it("lists the pipelines, reads a Spec, starts a run: every API call arrives signed and verified", async () => {
    const before = gateway.received.length;
    const page = await browser.open();
    await page.waitForURL(/#\/pipelines$/);
    await page.locator('tr[data-pipeline="hello"]').waitFor();
    // A POST from the page itself: the browser sends its Origin and Sec-Fetch-Site, and the proxy lets it through.
    const created = await page.evaluate(async () => {
      const answer = await fetch("/pipelines/hello/runs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ parameters: { who: "through the proxy" } }),
      });
      return { status: answer.status, body: await answer.json() };
    });
    expect(created.status).toBe(201);
    const spec = await page.evaluate(async () => {
      const answer = await fetch("/pipelines/hello/versions/latest/spec", {
        headers: { accept: "application/json" },
      });
      return (await answer.json()) as { kind: string };
    });
    expect(spec.kind).toBe("Workflow");
    const seen = gateway.received.slice(before);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.filter((r) => !r.verified)).toEqual([]);
    expect(seen.some((r) => r.path.endsWith("/spec") && r.headers.accept === "application/json")).toBe(true);
    const post = seen.find((r) => r.method === "POST");
    expect(post?.body).toBe(JSON.stringify({ parameters: { who: "through the proxy" } }));
  });

  it("refuses a page of another site: its fetch and its form never reach the API", async () => {
    const refused: string[] = [];
    browser.expectFailure((url, status) => {
      if (url.startsWith(proxy.url) && status === 403) refused.push(url);
      return url.startsWith(proxy.url) && status === 403;
    });
    const before = gateway.received.length;
    const page = browser.page();
    await page.goto(foreignUrl);
    expect(await page.evaluate(() => (window as unknown as { tried: Promise<string> }).tried)).toBe("sent");
    const navigation = page.waitForResponse((r) => r.url().startsWith(proxy.url));
    await page.evaluate(() => (document.getElementById("f") as HTMLFormElement).submit());
    expect((await navigation).status()).toBe(403);
    // The refusal is the page now (the screenshot taken after the test shows it): Firefox cannot capture a
    // page while its navigation is still being committed.
    await page.waitForURL(`${proxy.url}pipelines/hello/runs`);
    expect(refused.length).toBe(2);
    // Firefox asks the refusal's own origin for /favicon.ico as it shows it: the browser's GET, not the page's.
    const reached = gateway.received
      .slice(before)
      .filter((r) => !(r.method === "GET" && r.path === "/favicon.ico"))
      .map((r) => `${r.method} ${r.path}`);
    expect(reached).toEqual([]);
  });
});
