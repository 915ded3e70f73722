// The dashboard's targets (issue 18), measured in headless Chromium against the embedded stack:
//  1. the dashboard's JavaScript, gzip                                   ≤ 150 KB
//  2. the Runs view with 10,000 recorded runs: first page shown          ≤ 1 s
//  3. the Run view of a 500-node DAG: graph laid out and drawn           ≤ 1 s (and, reported, a wide one)
//  4. a node's phase change visible in an open Run view                  ≤ 2 s after the record changes
// Each beside a baseline measured the same way in the same run: a blank page served by the same machine, the
// dashboard's shell alone (a view that reads nothing), a 5-node run, and the API polled directly.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { Page } from "playwright-core";
import { LOCAL_CREDENTIALS } from "../../lib/local/credentials";
import { createS3Client } from "../../lib/local/s3";
import { startStack } from "../../lib/local/stack";
import { launchChromium } from "../../test/support/chromium";
import { fanOutIn, seedDagRun, seedRuns } from "../../test/support/seed-runs";
import { header, load, median, ms, root } from "../support/targets";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const RUN_COUNT = Number(process.env.BENCH_DASHBOARD_RUNS ?? 10_000);
const DAG_SIZE = 500;
process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";

interface Row {
  what: string;
  figure: string;
  baseline: string;
  target: string;
  met?: boolean;
}
const rows: Row[] = [];
const timing = (values: number[]) =>
  `${ms(median(values))} (min ${ms(Math.min(...values))}, max ${ms(Math.max(...values))})`;

header("Dashboard");

// 1. Size: what a first visit downloads, gzip-compressed as a server would send it (zlib's default level).
const assets = join(root, "dist", "dashboard", "assets");
const files = readdirSync(assets);
const size = (ext: string) =>
  files
    .filter((f) => f.endsWith(ext))
    .reduce(
      (sum, f) => {
        const bytes = readFileSync(join(assets, f));
        return { raw: sum.raw + statSync(join(assets, f)).size, gzip: sum.gzip + gzipSync(bytes).length };
      },
      { raw: 0, gzip: 0 },
    );
const js = size(".js");
const css = size(".css");
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
rows.push({
  what: "dashboard JavaScript, gzip",
  figure: `${kb(js.gzip)} (${kb(js.raw)} minified)`,
  baseline: `CSS ${kb(css.gzip)} gzip (${kb(css.raw)})`,
  target: "≤ 150 KB",
  met: js.gzip <= 150 * 1024,
});

// The stack, with the runs to list.
const stack = await startStack({
  ephemeral: true,
  uploadExamples: false,
  schedules: false,
  log: () => {},
  handlers: async () => (await import("../../functions/index")).handlers,
});
const client = new DynamoDBClient({
  endpoint: stack.dynamodbEndpoint,
  region: stack.region,
  credentials: LOCAL_CREDENTIALS,
});
const table = { client, tableName: stack.table };
const t0 = performance.now();
await seedRuns(table, RUN_COUNT);
const seeded = performance.now() - t0;
console.log(`seeded ${RUN_COUNT} runs in ${ms(seeded)} (BatchWriteItem through the run store's item layout)`);
await seedDagRun(table, "bench-dag-500", DAG_SIZE);
await seedDagRun(table, "bench-dag-5", 5);
await seedDagRun(table, "bench-fan-500", DAG_SIZE, fanOutIn(DAG_SIZE));

// A blank page from a server on this machine: the browser's own cost of a navigation.
const blank = createServer((_, res) => {
  res.writeHead(200, { "content-type": "text/html" });
  res.end("<!doctype html><title>blank</title><p id=blank>blank</p>");
});
await new Promise<void>((resolve) => blank.listen(0, "127.0.0.1", resolve));
const blankUrl = `http://127.0.0.1:${(blank.address() as AddressInfo).port}/`;

const { browser } = await launchChromium();
const errors: string[] = [];

/** A fresh page (its own context: nothing cached), 1280×800, failing the bench on any page error. */
async function freshPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  return page;
}

/** What the Runs view asks for after its first page: the next round starts once the server has answered it. */
const COUNTS_SHOWN = '[data-status="all"] .count >> text=/^\\d+$/';

/**
 * Navigates a fresh page to `url` and times it until `selector` shows (count: at least that many). Then, untimed,
 * waits for `settle` (what the view asks the server for afterwards), so no round's leftovers load the next.
 */
async function timeNavigation(url: string, selector: string, count = 1, settle?: string): Promise<number> {
  const page = await freshPage();
  try {
    const start = performance.now();
    await page.goto(url, { waitUntil: "commit" });
    await page.waitForFunction(
      ([s, n]) => document.querySelectorAll(s as string).length >= (n as number),
      [selector, count] as const,
      { polling: "raf", timeout: 30_000 },
    );
    const elapsed = performance.now() - start;
    if (settle) await page.locator(settle).waitFor({ timeout: 60_000 });
    return elapsed;
  } finally {
    await page.context().close();
  }
}

async function rounds(what: () => Promise<number>): Promise<number[]> {
  await what(); // warm-up: the server's first answers, the browser's caches of its own
  const out: number[] = [];
  for (let i = 0; i < ROUNDS; i++) out.push(await what());
  return out;
}

const app = stack.apiUrl.replace(/\/$/, "");
const blankTimes = await rounds(() => timeNavigation(blankUrl, "#blank"));
const shellTimes = await rounds(() => timeNavigation(`${app}/#/no-such-view`, "main#main > *"));

// 2. The Runs view: first page of 10,000 runs, cold (a new tab on its URL) and within the app.
const runsCold = await rounds(() => timeNavigation(`${app}/#/runs`, "tr[data-run-id]", 1, COUNTS_SHOWN));
rows.push({
  what: `Runs view, ${RUN_COUNT.toLocaleString("en")} runs: first page shown, new tab on /#/runs`,
  figure: timing(runsCold),
  baseline: `blank page ${ms(median(blankTimes))}; dashboard shell alone ${ms(median(shellTimes))}`,
  target: "≤ 1 s",
  met: median(runsCold) <= 1000,
});
const runsInApp = await (async () => {
  const page = await freshPage();
  await page.goto(`${app}/#/no-such-view`);
  await page.waitForSelector("main#main > *");
  const times: number[] = [];
  for (let i = 0; i <= ROUNDS; i++) {
    await page.evaluate(() => {
      window.location.hash = "#/no-such-view";
    });
    await page.waitForSelector("tr[data-run-id]", { state: "detached" });
    const start = performance.now();
    await page.evaluate(() => {
      window.location.hash = "#/runs";
    });
    await page.waitForSelector("tr[data-run-id]");
    if (i > 0) times.push(performance.now() - start);
    await page.locator(COUNTS_SHOWN).waitFor({ timeout: 60_000 });
  }
  await page.context().close();
  return times;
})();
rows.push({
  what: "Runs view: first page shown, navigating within the dashboard",
  figure: timing(runsInApp),
  baseline: "—",
  target: "≤ 1 s",
  met: median(runsInApp) <= 1000,
});
for (const [label, query] of [
  ["filtered by status (Failed)", "status=Failed"],
  ["filtered by a parameter (rows=42, 100 runs)", "param.rows=42"],
  ["filtered by pipeline and parameter", "pipeline=etl&param.region=eu"],
] as const) {
  const times = await rounds(() =>
    timeNavigation(`${app}/#/runs?${query}`, "tr[data-run-id]", 1, COUNTS_SHOWN),
  );
  rows.push({ what: `Runs view ${label}, new tab`, figure: timing(times), baseline: "—", target: "—" });
}

// 3. The Run view of a finished 500-node DAG: every node drawn.
const dagTimes = await rounds(() =>
  timeNavigation(`${app}/#/runs/bench-dag-500`, "[data-node]", DAG_SIZE + 1),
);
const smallTimes = await rounds(() => timeNavigation(`${app}/#/runs/bench-dag-5`, "[data-node]", 6));
const fanTimes = await rounds(() =>
  timeNavigation(`${app}/#/runs/bench-fan-500`, "[data-node]", DAG_SIZE + 1),
);
rows.push({
  what: `Run view, ${DAG_SIZE}-node DAG (bench/engine/graph.ts: random earlier dependencies): graph laid out and drawn, new tab`,
  figure: timing(dagTimes),
  baseline: `the same view of a 5-node DAG ${ms(median(smallTimes))}`,
  target: "≤ 1 s",
  met: median(dagTimes) <= 1000,
});
rows.push({
  what: `Run view, ${DAG_SIZE}-node fan-out/fan-in DAG (1 → ${DAG_SIZE - 2} → 1): graph laid out and drawn, new tab`,
  figure: timing(fanTimes),
  baseline: "—",
  target: "—",
});

// 4. A phase change in an open Run view: examples/approval waits in its suspend step until resumed.
const s3 = createS3Client(stack.s3Endpoint);
await s3.send(
  new PutObjectCommand({
    Bucket: stack.bucket,
    Key: "pipelines/approval.ts",
    Body: readFileSync(join(root, "examples", "approval", "pipeline.ts")),
  }),
);
async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(app + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}
for (let i = 0; ; i++) {
  const p = await api<{ latestGoodVersion?: string }>("GET", "/pipelines/approval");
  if (p.status === 200 && p.body.latestGoodVersion) break;
  if (i > 600) throw new Error("examples/approval did not build");
  await new Promise((r) => setTimeout(r, 100));
}
type Steps = { status: string; steps: { displayName: string; phase: string }[] };
const approvalPhase = async (runId: string) =>
  (await api<Steps>("GET", `/runs/${runId}`)).body.steps.find((s) => s.displayName === "approval")?.phase;
async function suspendedRun(): Promise<string> {
  const { body } = await api<{ runId: string }>("POST", "/pipelines/approval/runs", {});
  for (let i = 0; (await approvalPhase(body.runId)) !== "Running"; i++) {
    if (i > 600) throw new Error(`run ${body.runId} never reached its approval step`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return body.runId;
}
const seenInPage: number[] = [];
const seenByApi: number[] = [];
for (let i = 0; i <= ROUNDS; i++) {
  const runId = await suspendedRun();
  const page = await freshPage();
  await page.goto(`${app}/#/runs/${runId}`);
  await page.waitForSelector('[data-node][aria-label="approval, Running"]');
  // Let the view's polling settle into its slowest interval: the worst case for the change to show.
  await new Promise((r) => setTimeout(r, 4000));
  const resumed = await api("POST", `/runs/${runId}/resume`, { parameters: { approve: "NO" } });
  if (resumed.status !== 202) throw new Error(`resume answered ${resumed.status}`);
  // The record has changed once resume answers: the engine resumed the node before it did.
  const start = performance.now();
  await page.waitForSelector('[data-node][aria-label="approval, Succeeded"]', { timeout: 10_000 });
  if (i > 0) seenInPage.push(performance.now() - start);
  await page.context().close();

  // Baseline: the same change read by polling GET /runs/{id} directly, as fast as it answers.
  const runId2 = await suspendedRun();
  await api("POST", `/runs/${runId2}/resume`, { parameters: { approve: "NO" } });
  const start2 = performance.now();
  while ((await approvalPhase(runId2)) !== "Succeeded") {}
  if (i > 0) seenByApi.push(performance.now() - start2);
}
rows.push({
  what: "phase change visible in an open Run view (after 4 s idle: polling at its slowest)",
  figure: timing(seenInPage),
  baseline: `GET /runs/{id} polled back to back ${ms(median(seenByApi))}`,
  target: "≤ 2 s",
  met: median(seenInPage) <= 2000,
});

await browser.close();
blank.close();
s3.destroy();
client.destroy();
await stack.stop();

console.log(`\nrounds: ${ROUNDS} after a warm-up; load average at the end ${load()}\n`);
console.log("| benchmark | figure (median) | baseline (same run) | target | |");
console.log("|---|---|---|---|---|");
for (const r of rows) {
  const met = r.met === undefined ? "reported" : r.met ? "met" : "**not met**";
  console.log(`| ${r.what} | ${r.figure} | ${r.baseline} | ${r.target} | ${met} |`);
}
if (errors.length) {
  console.error(`\nthe pages reported errors:\n${errors.join("\n")}`);
  process.exit(1);
}
process.exit(0);
