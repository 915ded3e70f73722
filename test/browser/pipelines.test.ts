// The dashboard on the real embedded stack, in headless chromium and firefox: the Pipelines view.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "../../lib/local/stack";
import { BROWSERS, browserSuite } from "../support/browser";
import { pushPipeline, startDashboardStack } from "../support/dashboard-stack";

let stack: Stack;

beforeAll(async () => {
  stack = await startDashboardStack();
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

describe.each(BROWSERS)("the Pipelines view, in %s", (name) => {
  const browser = browserSuite(() => stack.apiUrl, name);

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

  it("pages through more pipelines than the API lists at once", async () => {
    // The API pages pipelines by 20: the examples and these make more than one page. Named to sort after the
    // examples, so the other browser's suite, which shares this stack, still sees every example on its first page.
    const names = Array.from({ length: 14 }, (_, i) => `zz-paged-${String(i + 1).padStart(2, "0")}`);
    await Promise.all(
      names.map((name) =>
        pushPipeline(
          stack,
          name,
          `import { container, workflow } from "skiff";\n\nconst say = container({ name: "say", image: "alpine", command: ["true"] });\n\nexport default workflow({ generateName: "${name}-", entrypoint: say });\n`,
        ),
      ),
    );
    const page = await browser.open("#/pipelines");
    await page.locator("tbody tr").first().waitFor();
    const rows = () =>
      page.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-pipeline")));
    expect(await rows()).toHaveLength(20);
    await page.getByRole("button", { name: "Show more pipelines" }).click();
    await expect.poll(async () => (await rows()).length).toBe(stack.examples.length + names.length);
    const all = await rows();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining([...stack.examples, ...names]));
    expect(await page.getByRole("button", { name: "Show more pipelines" }).count()).toBe(0);
  }, 240_000);
});
