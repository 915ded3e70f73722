// The dashboard on the real embedded stack, in headless chromium and firefox: the Pipeline view (versions, graph, YAML,
// the run form) and the navigation around it (deep links, the back button).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "../../lib/local/stack";
import { BROWSERS, browserSuite } from "../support/browser";
import { pushPipeline, startDashboardStack } from "../support/dashboard-stack";

let stack: Stack;

// A required parameter (no value) and an enum with a description: what the form makes of each.
const FORM_PIPELINE = `import { container, param, workflow } from "skiff";

const say = container({
  name: "say",
  image: "alpine",
  command: ["echo"],
  args: ["{{workflow.parameters.region}} {{workflow.parameters.owner}}"],
});

export default workflow({
  generateName: "form-",
  entrypoint: say,
  arguments: {
    region: param({ value: "eu", enum: ["eu", "us", "apac"], description: "Where the data lives" }),
    owner: param({ description: "Who asked for this run" }),
  },
});
`;

const BROKEN_PIPELINE = `import { workflow } from "skiff";

export default workflow({ generateName: "broken-", entrypoint: notDeclared });
`;

// A DAG task calling a steps template (two groups, the second in parallel), and a task with a long name.
const NESTED_PIPELINE = `import { dag, shell, steps, workflow } from "skiff";

const say = shell({ name: "say", source: "echo hi" });
const prepare = steps("prepare", (s) => {
  s.step("fetch", say);
  s.parallel((p) => {
    p.step("left", say);
    p.step("right", say);
  });
});
const main = dag("main", (d) => {
  const setup = d.task("setup", prepare);
  const long = d.task("${"a-task-whose-name-is-much-longer-than-its-box-can-show"}", say);
  setup.before(long);
});

export default workflow({ generateName: "nested-", entrypoint: main });
`;

// Forty tasks side by side: wider than the page at any readable zoom.
const WIDE_PIPELINE = `import { dag, shell, workflow } from "skiff";

const say = shell({ name: "say", source: "echo hi" });
const main = dag("main", (d) => {
  const first = d.task("first", say);
  for (let i = 0; i < 40; i++) first.before(d.task(\`branch-\${i}\`, say));
});

export default workflow({ generateName: "wide-", entrypoint: main });
`;

const LONG_NAME = "a-pipeline-whose-name-is-far-too-long-for-its-column-0123456789";

beforeAll(async () => {
  stack = await startDashboardStack();
  await pushPipeline(stack, "form", FORM_PIPELINE);
  await pushPipeline(stack, "broken", BROKEN_PIPELINE);
  await pushPipeline(stack, LONG_NAME, FORM_PIPELINE);
  await pushPipeline(stack, "nested", NESTED_PIPELINE);
  await pushPipeline(stack, "wide", WIDE_PIPELINE);
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

describe.each(BROWSERS)("the Pipeline view, in %s", (name) => {
  const browser = browserSuite(() => stack.apiUrl, name);

  it("starts etl from the form with a parameter and lands on the new run's URL", async () => {
    const page = await browser.open("#/pipelines/etl");
    const rows = page.getByLabel("rows");
    await rows.waitFor();
    expect(await rows.inputValue()).toBe("200");
    expect(await page.locator("#param-rows-help").textContent()).toBe("How many orders to generate");
    await rows.fill("37");
    await page.getByRole("button", { name: "Start run" }).click();
    await page.waitForURL(/#\/runs\/[^/]+$/);
    const runId = decodeURIComponent(new URL(page.url()).hash.replace(/^#\/runs\//, ""));
    const run = (await (await fetch(`${stack.apiUrl}/runs/${runId}`)).json()) as {
      pipeline: string;
      parameters: Record<string, string>;
    };
    expect(run.pipeline).toBe("etl");
    expect(run.parameters).toMatchObject({ rows: "37" });
  });

  it("makes enums selects with their default and shows the API's field errors next to the fields", async () => {
    browser.expectFailure((url, status) => url.endsWith("/pipelines/form/runs") && status === 400);
    const page = await browser.open("#/pipelines/form");
    const region = page.getByLabel("region");
    await region.waitFor();
    expect(await region.evaluate((el) => el.tagName)).toBe("SELECT");
    expect(await region.inputValue()).toBe("eu");
    expect(await region.locator("option").allTextContents()).toEqual(["eu", "us", "apac"]);
    expect(await page.locator("#param-owner-help").textContent()).toBe("Who asked for this run");

    // `owner` has no default and is left empty: the API refuses the run and names the field.
    await page.getByRole("button", { name: "Start run" }).click();
    const error = page.locator("#param-owner-error");
    await error.waitFor();
    expect(await error.textContent()).toMatch(/owner|missing|required/i);
    expect(await page.getByLabel("owner").getAttribute("aria-invalid")).toBe("true");
    expect(page.url()).toMatch(/#\/pipelines\/form$/);
    await browser.screenshot("pipeline-run-form-errors");

    await page.getByLabel("owner").fill("ops");
    await region.selectOption("apac");
    await page.getByRole("button", { name: "Start run" }).click();
    await page.waitForURL(/#\/runs\/[^/]+$/);
    const runId = decodeURIComponent(new URL(page.url()).hash.replace(/^#\/runs\//, ""));
    const run = (await (await fetch(`${stack.apiUrl}/runs/${runId}`)).json()) as { parameters: object };
    expect(run.parameters).toMatchObject({ region: "apac", owner: "ops" });
  });

  it("opens a deep link to a version with its graph and YAML", async () => {
    const page = await browser.open("#/pipelines/etl/v1");
    await page.locator("[data-node]").first().waitFor();
    expect(await page.locator("h1").textContent()).toBe("etl");
    expect(await page.locator(".version-facts").textContent()).toMatch(
      /^v1, built .+ · 5 templates · content \S+/,
    );
    expect(await page.locator('.versions a[aria-current="page"]').textContent()).toMatch(/^v1/);
    const nodes = await page
      .locator("[data-node]")
      .evaluateAll((els) => els.map((el) => el.getAttribute("data-node")));
    expect(nodes.sort()).toEqual([".download", ".regions", ".report", ".totals"]);
    // download → totals, regions → report.
    expect(await page.locator(".graph .edges path").count()).toBe(4);
    await page.locator("pre.yaml").waitFor();
    expect(await page.locator("pre.yaml").textContent()).toMatch(/kind: Workflow[\s\S]*entrypoint: etl/);

    // Keyboard: Tab goes from the zoom buttons to the first node, Enter selects it.
    const download = page.locator('[data-node=".download"]');
    await page.getByRole("button", { name: "100%" }).focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-node"))).toBe(".download");
    await page.keyboard.press("Enter");
    expect(await download.getAttribute("aria-pressed")).toBe("true");
    expect(await page.locator(".selection").textContent()).toMatch(/^download: template download/);
    await browser.screenshot("pipeline-etl");
  });

  it("draws a called steps template inside its task, folds it with the keyboard, and cuts long labels", async () => {
    const page = await browser.open("#/pipelines/nested");
    await page.locator("[data-node]").first().waitFor();
    const ids = () =>
      page.locator("[data-node]").evaluateAll((els) => els.map((el) => el.getAttribute("data-node")));
    expect((await ids()).sort()).toEqual([
      ".a-task-whose-name-is-much-longer-than-its-box-can-show",
      ".setup[0].fetch",
      ".setup[1].left",
      ".setup[1].right",
    ]);
    // The steps groups' junctions, and the box around the expanded task.
    expect(await page.locator(".node.kind-group").count()).toBe(2);
    expect(await page.locator(".cluster").count()).toBe(1);
    const long = page.locator('[data-node=".a-task-whose-name-is-much-longer-than-its-box-can-show"]');
    expect(await long.locator("text").textContent()).toMatch(/^a-task-whose-name-.*…$/);
    expect(await long.locator("title").textContent()).toContain(
      "a-task-whose-name-is-much-longer-than-its-box-can-show",
    );
    const fits = await long.evaluate((g) => {
      const box = (g.querySelector("rect") as SVGRectElement).getBBox();
      const text = (g.querySelector("text") as SVGTextElement).getBBox();
      return text.x >= box.x && text.x + text.width <= box.x + box.width;
    });
    expect(fits).toBe(true);
    await browser.screenshot("pipeline-nested");

    const collapse = page.getByRole("button", { name: "Collapse setup" });
    await collapse.focus();
    await page.keyboard.press("Enter");
    await page.locator('[data-node=".setup"]').waitFor();
    expect(await page.locator(".cluster").count()).toBe(0);
    expect((await ids()).sort()).toEqual([
      ".a-task-whose-name-is-much-longer-than-its-box-can-show",
      ".setup",
    ]);

    await page.getByRole("button", { name: "Expand setup" }).focus();
    await page.keyboard.press(" ");
    await page.locator('[data-node=".setup[1].left"]').waitFor();
    expect(await page.locator(".cluster").count()).toBe(1);
  });

  it("scrolls a graph wider than the page by dragging its background, and zooms it with the buttons", async () => {
    const page = await browser.open("#/pipelines/wide");
    await page.locator("[data-node]").first().waitFor();
    expect(await page.locator("[data-node]").count()).toBe(41);
    const scroller = page.locator(".graph-scroll");
    const state = () =>
      scroller.evaluate((el) => ({
        left: el.scrollLeft,
        room: el.scrollWidth - el.clientWidth,
        width: (el.querySelector("svg") as SVGSVGElement).getBoundingClientRect().width,
      }));
    const before = await state();
    expect(before.room).toBeGreaterThan(300);
    // A drag on the background (below the nodes) moves the drawing with the pointer.
    const box = await scroller.boundingBox();
    if (!box) throw new Error("the graph has no box");
    await page.mouse.move(box.x + 600, box.y + box.height - 8);
    await page.mouse.down();
    await page.mouse.move(box.x + 300, box.y + box.height - 8, { steps: 5 });
    await page.mouse.up();
    expect((await state()).left).toBeGreaterThanOrEqual(250);

    await page.getByRole("button", { name: "Zoom out" }).click();
    const smaller = await state();
    expect(smaller.width).toBeLessThan(before.width);
    await page.getByRole("button", { name: "Fit" }).click();
    expect((await state()).room).toBeLessThanOrEqual(1);
    await browser.screenshot("pipeline-wide-fit");
  });

  it("goes back to the pipelines with the back button", async () => {
    const page = await browser.open("#/pipelines");
    await page.locator('tr[data-pipeline="hello"] a').click();
    await page.waitForURL(/#\/pipelines\/hello$/);
    await page
      .getByLabel("who")
      .waitFor()
      .catch(() => undefined);
    expect(await page.locator("h1").textContent()).toBe("hello");
    await page.goBack();
    await page.waitForURL(/#\/pipelines$/);
    await page.locator('tr[data-pipeline="hello"]').waitFor();
    expect(await page.locator("h1").textContent()).toBe("Pipelines");
    await page.goForward();
    await page.waitForURL(/#\/pipelines\/hello$/);
    await page.locator("h1", { hasText: "hello" }).waitFor();
  });

  it("says so for an address that names no page, and links back to the pipelines", async () => {
    const page = await browser.open("#/no/such/page");
    await page.locator("h1", { hasText: "Not found" }).waitFor();
    await page.getByRole("link", { name: "See the pipelines" }).click();
    await page.waitForURL(/#\/pipelines$/);
    await page.locator("tbody tr").first().waitFor();
  });
});

describe.each(BROWSERS)("the Pipelines view with a failed build and a long name, in %s", (name) => {
  const browser = browserSuite(() => stack.apiUrl, name);

  it("shows a failed build's diagnostics as file:line:col: message", async () => {
    const page = await browser.open("#/pipelines");
    const row = page.locator('tr[data-pipeline="broken"]');
    await row.waitFor();
    expect(await row.locator(".status").first().textContent()).toBe("v1 failed");
    const diagnostics = await row.locator(".diagnostics li").allTextContents();
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.join("\n")).toMatch(/broken\.ts:3:\d+: error [\w.-]+: .*notDeclared/);
    await browser.screenshot("pipelines");
  });

  it("cuts a long name with an ellipsis inside its cell and keeps the whole name as its tooltip", async () => {
    const page = await browser.open("#/pipelines");
    const link = page.locator(`tr[data-pipeline="${LONG_NAME}"] td:first-child a`);
    await link.waitFor();
    expect(await link.getAttribute("title")).toBe(LONG_NAME);
    const fit = await link.evaluate((el) => {
      const cell = el.closest("td") as HTMLElement;
      return {
        overflowing: el.scrollWidth > el.clientWidth,
        ellipsis: getComputedStyle(el).textOverflow,
        inside: el.getBoundingClientRect().right <= cell.getBoundingClientRect().right + 0.5,
      };
    });
    expect(fit).toEqual({ overflowing: true, ellipsis: "ellipsis", inside: true });
  });
});
