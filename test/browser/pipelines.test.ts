// The dashboard on the real embedded stack, in headless chromium: the Pipelines view.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "../../lib/local/stack";
import { browserSuite } from "../support/browser";
import { startDashboardStack } from "../support/dashboard-stack";

let stack: Stack;

beforeAll(async () => {
  stack = await startDashboardStack();
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

describe("the Pipelines view", () => {
  const browser = browserSuite(() => stack.apiUrl);

  it("opens at / and lists the example pipelines with their latest version and build", async () => {
    const page = await browser.open();
    await page.waitForURL(/#\/pipelines$/);
    const etl = page.locator('tr[data-pipeline="etl"]');
    await etl.waitFor();
    expect(await etl.locator("td").nth(1).textContent()).toMatch(/^v\d+$/);
    expect(await etl.locator("td").nth(2).textContent()).toMatch(/v\d+ built/);
    const names = await page
      .locator("tbody tr")
      .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-pipeline")));
    expect(names).toEqual(expect.arrayContaining(stack.examples));
  });
});
