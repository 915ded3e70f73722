// The Runs and Run views on the real embedded stack, in headless chromium and firefox: a run watched live to its end, a
// failure's traceback, an artifact's bytes, filters and paging, a deep link to a step, and the actions.
import { readFileSync } from "node:fs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_CREDENTIALS } from "../../lib/local/credentials";
import type { Stack } from "../../lib/local/stack";
import type { RunRecord, StepRecord } from "../../lib/ports/run-store";
import { BROWSERS, browserSuite } from "../support/browser";
import { pushPipeline, startDashboardStack } from "../support/dashboard-stack";
import { seedRuns } from "../support/seed-runs";

type RunView = RunRecord & { steps: StepRecord[] };

/** Pipelines of these tests' own, besides the examples the stack builds. */
const PIPELINES: Record<string, string> = {
  divide: `import { python, workflow } from "skiff";
const divide = python({
  name: "divide",
  source: "print('dividing')\\ndef ratio(a, b):\\n    return a / b\\nratio(1, 0)",
});
export default workflow({ generateName: "divide-", entrypoint: divide });
`,
  files: `import { artifact, container, dag, workflow } from "skiff";
const produce = container({
  name: "produce",
  image: "alpine",
  command: ["sh", "-c", "printf 'region,amount\\\\neu,12\\\\n' > /tmp/table.csv; mkdir -p /tmp/out; echo one > /tmp/out/1.txt"],
  outputs: { table: artifact({ path: "/tmp/table.csv" }), reports: artifact({ path: "/tmp/out" }) },
});
const consume = container({
  name: "consume",
  image: "alpine",
  command: ["sh", "-c", "cat /tmp/in.csv"],
  inputs: { table: artifact({ path: "/tmp/in.csv" }) },
});
const main = dag("main", (d) => {
  const p = d.task("produce", produce);
  d.task("consume", consume, { args: { table: p.outputs.table } });
});
export default workflow({ generateName: "files-", entrypoint: main });
`,
  // Sleeps far longer than a test: it ends only when stopped.
  sleeper: `import { dag, shell, workflow } from "skiff";
const nap = shell({ name: "nap", source: "echo napping; sleep 600" });
const main = dag("main", (d) => {
  d.task("nap", nap);
});
export default workflow({ generateName: "sleeper-", entrypoint: main });
`,
  // Fails the first time, leaving a file behind in the run's own file system (the local engine gives each
  // workflow one), and succeeds once the file is there: a retry of the failed run succeeds.
  secondtry: `import { dag, shell, workflow } from "skiff";
const attempt = shell({
  name: "attempt",
  source: "if [ -e /tmp/tried ]; then echo second try; sleep 1; else touch /tmp/tried; echo first try >&2; exit 1; fi",
});
const main = dag("main", (d) => {
  d.task("attempt", attempt);
});
export default workflow({ generateName: "secondtry-", entrypoint: main });
`,
  ticker: `import { shell, workflow } from "skiff";
const tick = shell({ name: "tick", source: "for i in 1 2 3 4 5 6; do echo tick $i; sleep 1; done" });
export default workflow({ generateName: "ticker-", entrypoint: tick });
`,
};

let stack: Stack;
const url = (path: string) => `${stack.apiUrl.replace(/\/$/, "")}${path}`;

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(url(path), {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const startRun = (pipeline: string, parameters: Record<string, string> = {}) =>
  api<{ runId: string }>("POST", `/pipelines/${pipeline}/runs`, { parameters }).then((r) => r.runId);

const finished = (runId: string) =>
  until(`run ${runId} to finish`, async () => {
    const run = await api<RunView>("GET", `/runs/${runId}`);
    return ["Pending", "Running"].includes(run.status) ? undefined : run;
  });

/** Records in the page, from its first render on, every run status it shows, in order (in `window.seen`). */
const recordShownStatuses = (page: Page) =>
  page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { seen: string[] }).seen = seen;
    new MutationObserver(() => {
      const status = document.querySelector("[data-run-status]")?.getAttribute("data-run-status");
      if (status && seen[seen.length - 1] !== status) seen.push(status);
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });

/** `text` matched literally in a RegExp. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The run's status as the Run view shows it. */
const shownStatus = (page: Page) => page.locator("[data-run-status]").getAttribute("data-run-status");

beforeAll(async () => {
  stack = await startDashboardStack();
  for (const [name, source] of Object.entries(PIPELINES)) await pushPipeline(stack, name, source);
  for (const name of [...Object.keys(PIPELINES), "etl", "approval"]) {
    await until(`${name} to build`, async () => {
      const response = await fetch(url(`/pipelines/${name}`));
      if (response.status !== 200) return undefined;
      const pipeline = (await response.json()) as { latestGoodVersion?: string; lastBuild?: unknown };
      if (!pipeline.latestGoodVersion) {
        if (pipeline.lastBuild)
          throw new Error(`${name} failed to build: ${JSON.stringify(pipeline.lastBuild)}`);
        return undefined;
      }
      return true;
    });
  }
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

describe.each(BROWSERS)("the Run view, in %s", (name) => {
  const browser = browserSuite(() => stack.apiUrl, name);

  it("watches an etl run started from the form reach Succeeded live, without reloading", async () => {
    const page = browser.page();
    await recordShownStatuses(page);
    await browser.open("#/pipelines/etl");
    await page.locator('input[name="rows"]').fill("30");
    await page.locator("form.run-form button[type=submit]").click();
    await page.waitForURL(/#\/runs\/[a-z0-9]+$/);
    const runId = page.url().split("/").pop() as string;
    await page.evaluate(() => {
      (window as unknown as { marker: string }).marker = "same page";
    });

    await page.locator('[data-run-status="Succeeded"]').waitFor({ timeout: 90_000 });
    for (const name of ["download", "totals", "regions", "report"]) {
      await page.locator(`[data-node][aria-label="${name}, Succeeded"]`).waitFor();
    }
    expect(await page.getByTestId("progress").textContent()).toBe("4/4 steps");
    expect(await page.getByTestId("duration").textContent()).toMatch(/^\d/);
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    // Shown while still running, then finished: the page followed the run.
    expect(["Pending", "Running"]).toContain(seen[0]);
    expect(seen.at(-1)).toBe("Succeeded");
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("same page");
    const run = await api<RunView>("GET", `/runs/${runId}`);
    expect(run).toMatchObject({ status: "Succeeded", pipeline: "etl", parameters: { rows: "30" } });
    await browser.screenshot("run-view-etl-succeeded");
  });

  it("opens a failing run from the Runs view and reads its traceback, then its step's error and logs", async () => {
    const runId = await startRun("divide");
    await finished(runId);
    const page = await browser.open("#/runs?pipeline=divide");
    await page.locator(`tr[data-run-id="${runId}"] a[href="#/runs/${runId}"]`).click();
    const failure = page.getByRole("region", { name: /^Failure of / });
    await failure.waitFor();
    const traceback = await failure.locator("pre.stderr").textContent();
    expect(traceback).toMatch(
      /Traceback \(most recent call last\):[\s\S]*in ratio[\s\S]*ZeroDivisionError: division by zero$/,
    );
    await failure.locator("a").first().click();
    await page.waitForURL(new RegExp(`#/runs/${runId}/steps/`));
    const panel = page.locator(".step-panel");
    await expect
      .poll(() => panel.getByRole("region", { name: "Error" }).locator("pre").textContent())
      .toMatch(/ZeroDivisionError: division by zero$/);
    await expect.poll(() => panel.getByTestId("logs").textContent()).toContain("dividing");
    expect(await shownStatus(page)).toBe("Failed");
    await browser.screenshot("run-view-failed-step");
  });

  it("downloads a step's artifact: the bytes it stored, and a directory as tar+gzip", async () => {
    const runId = await startRun("files");
    const run = await finished(runId);
    expect(run.status).toBe("Succeeded");
    const produce = run.steps.find((s) => s.displayName === "produce") as StepRecord;
    const page = await browser.open(`#/runs/${runId}/steps/${produce.stepId}`);
    const artifacts = page.getByRole("region", { name: "Artifacts" });

    const [file] = await Promise.all([
      page.waitForEvent("download"),
      artifacts.getByRole("link", { name: "table" }).click(),
    ]);
    expect(file.suggestedFilename()).toBe("table");
    expect(readFileSync(await file.path(), "utf8")).toBe("region,amount\neu,12\n");

    const [dir] = await Promise.all([
      page.waitForEvent("download"),
      artifacts.getByRole("link", { name: "reports" }).click(),
    ]);
    expect(dir.suggestedFilename()).toBe("reports.tgz");
    const bytes = readFileSync(await dir.path());
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    await browser.screenshot("run-view-artifacts");
  });

  it("follows a deep link to a run's step: the step selected, its inputs and logs shown", async () => {
    const runId = await startRun("etl", { rows: "7" });
    const run = await finished(runId);
    const report = run.steps.find((s) => s.displayName === "report") as StepRecord;
    const page = await browser.open(`#/runs/${runId}/steps/${report.stepId}`);
    const panel = page.locator(`.step-panel[data-step-id="${report.stepId}"]`);
    await panel.waitFor();
    expect(await panel.locator("h2").textContent()).toBe("report");
    const inputs = panel.getByRole("region", { name: "Inputs" });
    expect(await inputs.locator("tr").filter({ hasText: "count" }).locator("pre").textContent()).toBe("7");
    await expect
      .poll(() => panel.getByTestId("logs").textContent())
      .toMatch(/7 orders, \d+ regions, total \d+/);
    expect(await page.locator(`[data-node="${report.stepId}"]`).getAttribute("aria-pressed")).toBe("true");
    // Another node, chosen with the keyboard, selects its step, in the same view: the finished run is not read again.
    const reads: string[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith(`/runs/${runId}`)) reads.push(r.url());
    });
    const download = run.steps.find((s) => s.displayName === "download") as StepRecord;
    await page.locator(`[data-node="${download.stepId}"]`).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`#/runs/${runId}/steps/${download.stepId}$`));
    await page.locator(`.step-panel[data-step-id="${download.stepId}"]`).waitFor();
    await page.goBack();
    await page.locator(`.step-panel[data-step-id="${report.stepId}"]`).waitFor();
    expect(reads).toEqual([]);
    await browser.screenshot("run-view-deep-link-step");
  });

  it("follows a running step's log as it grows", async () => {
    const runId = await startRun("ticker");
    const step = await until("the tick step to start", async () => {
      const run = await api<RunView>("GET", `/runs/${runId}`);
      return run.steps.find((s) => s.type === "Pod" && s.phase === "Running");
    });
    const page = await browser.open(`#/runs/${runId}/steps/${step.stepId}`);
    const logs = page.getByRole("region", { name: "Logs" });
    await logs.getByText("(following)").waitFor();
    // Lines arrive while the step runs (it prints one a second), and the page keeps them coming.
    await expect
      .poll(() => logs.getByTestId("logs").textContent(), { timeout: 10_000 })
      .toMatch(/tick [1-4]\n$/);
    const early = (await logs.getByTestId("logs").textContent()) ?? "";
    await expect
      .poll(() => logs.getByTestId("logs").textContent(), { timeout: 20_000 })
      .toBe("tick 1\ntick 2\ntick 3\ntick 4\ntick 5\ntick 6\n");
    expect(early.length).toBeLessThan("tick 1\ntick 2\ntick 3\ntick 4\ntick 5\ntick 6\n".length);
    await page.locator('[data-run-status="Succeeded"]').waitFor();
    await logs.getByText("(following)").waitFor({ state: "detached" });
  });

  it("asks before terminating (a keyboard-usable dialog), resubmits into a new run and resumes it", async () => {
    const runId = await startRun("approval");
    await until("the approval step to wait", async () => {
      const run = await api<RunView>("GET", `/runs/${runId}`);
      return run.steps.some((s) => s.displayName === "approval" && s.phase === "Running") || undefined;
    });
    const page = await browser.open(`#/runs/${runId}`);
    await page.locator('[data-node][aria-label="approval, Running"]').waitFor();
    expect(
      await page.locator("[data-action]").evaluateAll((b) => b.map((x) => x.getAttribute("data-action"))),
    ).toEqual(["resume", "stop", "terminate"]);

    // Asked, then cancelled with Escape: nothing happens.
    await page.locator('[data-action="terminate"]').click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("exit handlers are skipped");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect((await api<RunView>("GET", `/runs/${runId}`)).status).toBe("Running");

    // Asked again, confirmed with the keyboard alone.
    await page.locator('[data-action="terminate"]').focus();
    await page.keyboard.press("Enter");
    await dialog.waitFor();
    await browser.screenshot("run-view-confirm-terminate");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-confirm"))).toBe("terminate");
    await page.keyboard.press("Enter");
    await page
      .locator('[data-run-status="Failed"], [data-run-status="Terminated"]')
      .waitFor({ timeout: 30_000 });
    const ended = await finished(runId);
    expect(["Failed", "Terminated"]).toContain(ended.status);

    // Resubmit asks nothing and lands on the new run.
    await page.locator('[data-action="resubmit"]').click();
    await page.waitForURL((u) => /#\/runs\/[a-z0-9]+$/.test(u.hash) && !u.hash.endsWith(runId));
    const newId = page.url().split("/").pop() as string;
    const resubmitted = await api<RunView>("GET", `/runs/${newId}`);
    expect(resubmitted).toMatchObject({ pipeline: "approval", parentRunId: runId });
    await page.locator(`a[href="#/runs/${runId}"]`).waitFor();
    // Resume asks nothing either: the new run's approval step goes on, and the run finishes.
    await page.locator('[data-node][aria-label="approval, Running"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-action="resume"]').click();
    await page.locator('[data-node][aria-label="approval, Succeeded"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-run-status="Succeeded"]').waitFor({ timeout: 30_000 });
  });
  it("stops a running run once confirmed, after a cancelled confirmation did nothing", async () => {
    const runId = await startRun("sleeper");
    await until("the nap step to run", async () => {
      const run = await api<RunView>("GET", `/runs/${runId}`);
      return run.steps.some((s) => s.displayName === "nap" && s.phase === "Running") || undefined;
    });
    const page = await browser.open(`#/runs/${runId}`);
    await page.locator('[data-node][aria-label="nap, Running"]').waitFor();
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST") posts.push(new URL(r.url()).pathname);
    });

    // Asked, then cancelled with its button: no request, the run goes on.
    await page.locator('[data-action="stop"]').click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    expect(await dialog.getByRole("heading").textContent()).toBe("Stop this run?");
    expect(await dialog.textContent()).toContain("exit handlers still run");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(posts).toEqual([]);
    expect((await api<RunView>("GET", `/runs/${runId}`)).status).toBe("Running");
    expect(await shownStatus(page)).toBe("Running");

    // Asked again and confirmed: the run ends as Stopped, and the view follows it there.
    await page.locator('[data-action="stop"]').click();
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Stop" }).click();
    await page.locator('[data-run-status="Stopped"]').waitFor({ timeout: 30_000 });
    expect(posts).toEqual([`/runs/${runId}/stop`]);
    expect((await finished(runId)).status).toBe("Stopped");
    await expect
      .poll(() =>
        page.locator("[data-action]").evaluateAll((b) => b.map((x) => x.getAttribute("data-action"))),
      )
      .toEqual(["retry", "resubmit"]);
    await browser.screenshot("run-view-stopped");
  });

  it("retries a failed run once confirmed: the failed step runs again in the same run, which succeeds", async () => {
    const runId = await startRun("secondtry");
    expect((await finished(runId)).status).toBe("Failed");
    const page = browser.page();
    await recordShownStatuses(page);
    await browser.open(`#/runs/${runId}`);
    await page.locator('[data-node][aria-label="attempt, Failed"]').waitFor();
    expect(
      await page.locator("[data-action]").evaluateAll((b) => b.map((x) => x.getAttribute("data-action"))),
    ).toEqual(["retry", "resubmit"]);

    await page.locator('[data-action="retry"]').click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    expect(await dialog.getByRole("heading").textContent()).toBe("Retry this run?");
    await dialog.getByRole("button", { name: "Retry" }).click();
    await page.locator('[data-run-status="Succeeded"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-node][aria-label="attempt, Succeeded"]').waitFor();
    // The same run, followed live from Failed through a new attempt to Succeeded.
    expect(new URL(page.url()).hash).toBe(`#/runs/${runId}`);
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen[0]).toBe("Failed");
    expect(seen.slice(1, -1).length).toBeGreaterThan(0);
    expect(seen.slice(1, -1).every((status) => ["Pending", "Running"].includes(status))).toBe(true);
    expect(seen.at(-1)).toBe("Succeeded");
    const run = await api<RunView>("GET", `/runs/${runId}`);
    expect(run.status).toBe("Succeeded");
    // Its step's log is the second attempt's.
    await page.locator('[data-node][aria-label="attempt, Succeeded"]').click();
    await expect.poll(() => page.getByTestId("logs").textContent()).toContain("second try");
    await browser.screenshot("run-view-retried");
  });
});

describe.each(BROWSERS)("the Runs view, in %s", (name) => {
  const browser = browserSuite(() => stack.apiUrl, name);

  it("filters runs by a parameter value, reflected in the URL, with counts by status", async () => {
    // Values of this browser's own: the other browser's suite starts runs in the same stack.
    const rows = String(311 + 100 * BROWSERS.indexOf(name));
    const eleven = [await startRun("etl", { rows }), await startRun("etl", { rows })];
    const twelve = await startRun("etl", { rows: `${rows}2` });
    await Promise.all([...eleven, twelve].map(finished));
    const page = await browser.open("#/runs");
    await page.locator(`tr[data-run-id="${twelve}"]`).waitFor();
    await page.locator('[data-status="all"] .count').filter({ hasText: /^\d+$/ }).waitFor();
    await browser.screenshot("runs-view");
    await page.getByLabel("Parameter").fill(`rows=${rows}`);
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(new RegExp(`#/runs\\?param\\.rows=${rows}$`));
    await expect
      .poll(() =>
        page.locator("tr[data-run-id]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-run-id"))),
      )
      .toEqual([...eleven].reverse());
    await expect.poll(() => page.locator('[data-status="all"] .count').textContent()).toBe("2");
    expect(await page.locator('[data-status="Succeeded"] .count').textContent()).toBe("2");
    await browser.screenshot("runs-view-filtered-by-parameter");

    // A status on top, from its count.
    await page.locator('[data-status="Failed"]').click();
    await page.waitForURL(new RegExp(`#/runs\\?status=Failed&param\\.rows=${rows}$`));
    await page.getByTestId("no-runs").waitFor();
    // A malformed parameter filter is refused in the form, naming what to write.
    await page.getByLabel("Parameter").fill("rows");
    await page.getByRole("button", { name: "Filter" }).click();
    expect(await page.getByRole("alert").textContent()).toContain("name=value");
    // Back: the previous filters, as the URL had them.
    await page.goBack();
    await page.waitForURL(new RegExp(`#/runs\\?param\\.rows=${rows}$`));
    await page.locator(`tr[data-run-id="${eleven[0]}"]`).waitFor();
  });

  it("pages through many runs with the API's cursor, newest first, and back", async () => {
    const client = new DynamoDBClient({
      endpoint: stack.dynamodbEndpoint,
      region: stack.region,
      credentials: LOCAL_CREDENTIALS,
    });
    const ids = await seedRuns({ client, tableName: stack.table }, 120, {
      pipelines: [`paging-${name}`],
      prefix: `pg${name}`,
    });
    client.destroy();
    const listing = `#/runs?pipeline=paging-${name}`;
    const page = await browser.open(listing);
    const shown = () =>
      page.locator("tr[data-run-id]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-run-id")));
    const pageNumber = () => page.getByTestId("page-number").textContent();
    await expect.poll(shown).toEqual(ids.slice(0, 50));
    expect(await page.getByRole("button", { name: "← Newer" }).isDisabled()).toBe(true);
    await page.getByRole("button", { name: "Older →" }).click();
    await expect.poll(shown).toEqual(ids.slice(50, 100));
    // The page is in the URL: its number and the API's cursor it is read with.
    const second = new URL(page.url()).hash;
    expect(second).toMatch(new RegExp(`^${literal(listing)}&page=2&cursor=[^&]+$`));
    await page.getByRole("button", { name: "Older →" }).click();
    await expect.poll(shown).toEqual(ids.slice(100));
    expect(await pageNumber()).toBe("Page 3");
    const third = new URL(page.url()).hash;
    expect(third).toMatch(new RegExp(`^${literal(listing)}&page=3&cursor=[^&]+$`));
    await expect.poll(() => page.getByRole("button", { name: "Older →" }).isDisabled()).toBe(true);
    // Back with the browser's button, then with the view's.
    await page.goBack();
    await expect.poll(shown).toEqual(ids.slice(50, 100));
    expect(new URL(page.url()).hash).toBe(second);
    await page.getByRole("button", { name: "Older →" }).click();
    await expect.poll(shown).toEqual(ids.slice(100));
    await page.getByRole("button", { name: "← Newer" }).click();
    await expect.poll(shown).toEqual(ids.slice(50, 100));
    expect(await pageNumber()).toBe("Page 2");
    // The page is kept when the reader opens a run and comes back.
    await page.locator(`a[href="#/runs/${ids[50]}"]`).click();
    await page.locator("[data-run-status]").waitFor();
    await page.goBack();
    await expect.poll(shown).toEqual(ids.slice(50, 100));

    // A deep link to the third page, opened afresh (a new document that remembers no paging): the same runs;
    // newer, not knowing the second page's cursor, is the newest page.
    await page.goto("about:blank");
    await browser.open(third);
    await expect.poll(shown).toEqual(ids.slice(100));
    expect(await pageNumber()).toBe("Page 3");
    await browser.screenshot("runs-view-paging");
    await page.getByRole("button", { name: "← Newer" }).click();
    await expect.poll(shown).toEqual(ids.slice(0, 50));
    expect(new URL(page.url()).hash).toBe(listing);
  });
});
