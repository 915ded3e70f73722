// Browser tests' harness: Debian's chromium (or SKIFF_CHROMIUM) or firefox-esr (or SKIFF_FIREFOX) driven by
// playwright-core, headless, with a fresh profile per suite. Every test gets its own page; a console error, an
// uncaught exception or a failed request (network failure or 4xx/5xx, unless the test expects it) fails the test,
// and a screenshot of the page is saved to test-results/screenshots/<browser>/ whatever the outcome.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, expect, type TestContext } from "vitest";
import { launchChromium } from "./chromium";
import { launchFirefox } from "./firefox";

export { chromiumPath, launchChromium } from "./chromium";
export { firefoxPath, launchFirefox } from "./firefox";

/** The browsers the dashboard's tests run in (issue 18: current Chromium and Firefox). */
export const BROWSERS = ["chromium", "firefox"] as const;
export type BrowserName = (typeof BROWSERS)[number];

const launchers = { chromium: launchChromium, firefox: launchFirefox };

/** A failure's text when the page itself gave up the request (it left a view before its fetch answered). */
const PAGE_ABORTS = new Set(["net::ERR_ABORTED", "NS_BINDING_ABORTED"]);

const root = fileURLToPath(new URL("../..", import.meta.url));
export const SCREENSHOTS = join(root, "test-results", "screenshots");

/** Which failed responses a test expects (e.g. a 400 from a form it submits wrong on purpose). */
export type ExpectedFailure = (url: string, status: number) => boolean;

export interface BrowserSuite {
  /** Which browser the suite runs in. */
  readonly name: BrowserName;
  /** The current test's page (1280×800). */
  page(): Page;
  /** Opens a dashboard URL (`#/pipelines/etl`) on the base URL. */
  open(hashPath?: string): Promise<Page>;
  /** Lets the current test's matching responses fail without failing the test. */
  expectFailure(match: ExpectedFailure): void;
  /** Saves a named screenshot of the current page (besides the one saved after each test). */
  screenshot(name: string): Promise<string>;
}

const fileSafe = (text: string) =>
  text
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 120);

/**
 * Registers the hooks of a browser suite in the enclosing `describe`: the browser for the suite, a fresh context
 * and page per test at 1280×800, and the failure rules above checked after each test.
 */
export function browserSuite(baseUrl: () => string, name: BrowserName = "chromium"): BrowserSuite {
  let handle: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let context: BrowserContext | undefined;
  let current: Page | undefined;
  let problems: string[] = [];
  let expected: ExpectedFailure[] = [];
  let testName = "test";

  beforeAll(async () => {
    handle = await launchers[name]();
    mkdirSync(join(SCREENSHOTS, name), { recursive: true });
  });

  afterAll(async () => {
    await handle?.close();
  });

  beforeEach(async (ctx: TestContext) => {
    testName = fileSafe(
      `${
        ctx.task.file?.name
          .split("/")
          .pop()
          ?.replace(/\.test\.ts$/, "") ?? ""
      }-${ctx.task.name}`,
    );
    problems = [];
    expected = [];
    if (!handle) throw new Error(`${name} did not start`);
    context = await handle.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on("console", (message) => {
      // Chromium logs each 4xx/5xx resource as a console error too; the response handler judges those.
      if (message.type() !== "error" || message.text().startsWith("Failed to load resource:")) return;
      problems.push(`console error: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`uncaught exception: ${error.message}`));
    page.on("requestfailed", (request) => {
      const failure = request.failure()?.errorText ?? "failed";
      // The page's own aborts (a view left before its fetch answered) are not failures of the server.
      if (PAGE_ABORTS.has(failure)) return;
      problems.push(`request failed: ${request.method()} ${request.url()}: ${failure}`);
    });
    page.on("response", (response) => {
      const status = response.status();
      if (status < 400 || expected.some((match) => match(response.url(), status))) return;
      problems.push(`HTTP ${status}: ${response.request().method()} ${response.url()}`);
    });
    current = page;
  });

  afterEach(async () => {
    try {
      if (current) await current.screenshot({ path: join(SCREENSHOTS, name, `${testName}.png`) });
    } finally {
      await context?.close();
      context = undefined;
      current = undefined;
    }
    expect(problems, "console errors and failed requests during the test").toEqual([]);
  });

  const page = () => {
    if (!current) throw new Error("no page: browserSuite's page() is for use inside a test");
    return current;
  };
  return {
    name,
    page,
    async open(hashPath = "") {
      const p = page();
      await p.goto(`${baseUrl()}/${hashPath}`);
      return p;
    },
    expectFailure(match) {
      expected.push(match);
    },
    async screenshot(title) {
      const path = join(SCREENSHOTS, name, `${fileSafe(title)}.png`);
      await page().screenshot({ path });
      return path;
    },
  };
}
