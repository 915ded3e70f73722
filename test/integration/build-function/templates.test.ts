// Shared templates through the build function: a workflowTemplate version installs its template in the engine
// (here the process's local engine, as on the embedded stack), and every build checks the templates it refers to.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler } from "../../../functions/build";
import { sharedLocalEngine } from "../../../lib/engine";
import { LABEL_PIPELINE, LABEL_VERSION } from "../../../lib/engine/labels";
import { type Stack, startStack } from "./harness";

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const library = (word: string) => `import { container, param, workflowTemplate } from "skiff";
const greet = container({
  name: "greet",
  image: "alpine:3.20",
  command: ["echo", "${word} {{inputs.parameters.who}}"],
  inputs: { who: param() },
});
export default workflowTemplate({ name: "greetings", templates: [greet] });
`;

const user = (template: string) => `import { param, steps, templateRef, workflow } from "skiff";
const greet = templateRef({ name: "greetings", template: "${template}", inputs: { who: param() } });
const main = steps("main", (s) => {
  s.step("hello", greet, { args: { who: "team" } });
});
export default workflow({ generateName: "user-", entrypoint: main });
`;

const build = async (key: string, body: string) => (await handler(await stack.upload(key, body))).results[0];
const engine = () => sharedLocalEngine();

describe("shared templates in the build function", () => {
  it("installs a workflowTemplate version in the engine, labelled with its pipeline and version; a new version replaces it", async () => {
    expect(await build("pipelines/library.ts", library("hello"))).toMatchObject({
      kind: "built",
      version: { pipeline: "library", version: "v1", ok: true },
    });
    const v1 = await engine().getTemplate({ kind: "WorkflowTemplate", name: "greetings" });
    expect(v1?.metadata.labels).toMatchObject({ [LABEL_PIPELINE]: "library", [LABEL_VERSION]: "v1" });
    expect(v1?.spec.templates?.[0]?.container?.command).toEqual(["echo", "hello {{inputs.parameters.who}}"]);

    await build("pipelines/library.ts", library("hi"));
    const v2 = await engine().getTemplate({ kind: "WorkflowTemplate", name: "greetings" });
    expect(v2?.metadata.labels?.[LABEL_VERSION]).toBe("v2");
    expect(v2?.spec.templates?.[0]?.container?.command).toEqual(["echo", "hi {{inputs.parameters.who}}"]);
  });

  it("builds a pipeline whose templateRef resolves", async () => {
    expect(await build("pipelines/user.ts", user("greet"))).toMatchObject({
      version: { version: "v1", ok: true },
    });
  });

  it("fails a build whose templateRef names no template of the installed WorkflowTemplate, at the step's file:line:col", async () => {
    const result = await build("pipelines/user.ts", user("wave"));
    expect(result).toMatchObject({ version: { version: "v2", ok: false } });
    const diagnostics = result?.kind === "built" ? result.version.diagnostics : [];
    const missing = diagnostics.find((d) => d.code === "template.missing");
    expect(missing).toMatchObject({
      severity: "error",
      message: "WorkflowTemplate greetings has no template wave",
      file: "user.ts",
      line: 4,
    });
    expect(missing?.column).toBeGreaterThan(0);
    expect((await stack.pipelines.getPipeline("user"))?.latestGoodVersion).toBe("v1");
  });

  it("reports a template changed to need an input the pipeline does not pass, at its next build", async () => {
    const stricter = library("hey").replace(
      "inputs: { who: param() }",
      "inputs: { who: param(), mood: param() }",
    );
    expect(await build("pipelines/library.ts", stricter)).toMatchObject({ version: { ok: true } });
    const result = await build("pipelines/user.ts", `${user("greet")}// again\n`);
    const diagnostics = result?.kind === "built" ? result.version.diagnostics : [];
    expect(diagnostics).toContainEqual(
      expect.objectContaining({
        code: "template.arguments",
        message:
          "template greet of WorkflowTemplate greetings needs input parameter mood, which is not passed",
        file: "user.ts",
        line: 4,
      }),
    );
  });

  it("reports a deleted template at the next build of a pipeline that uses it", async () => {
    expect(await engine().deleteTemplate({ kind: "WorkflowTemplate", name: "greetings" })).toBe(true);
    const result = await build("pipelines/user.ts", `${user("greet")}// rebuilt\n`);
    expect(result).toMatchObject({ version: { ok: false } });
    const diagnostics = result?.kind === "built" ? result.version.diagnostics : [];
    expect(diagnostics).toContainEqual(
      expect.objectContaining({
        code: "template.missing",
        message: expect.stringContaining("WorkflowTemplate greetings is not installed"),
        file: "user.ts",
        line: 4,
      }),
    );
  });

  it("checks a workflowTemplateRef the same way: built while its template is installed, reported at its file:line:col once deleted", async () => {
    const whole = `import { container, workflowTemplate } from "skiff";
const bye = container({ name: "bye", image: "alpine:3.20", command: ["echo", "bye"] });
export default workflowTemplate({ name: "farewells", entrypoint: bye });
`;
    const caller = (note: string) => `import { workflow } from "skiff";
export default workflow({
  generateName: "whole-",
  workflowTemplateRef: "farewells",
});
// ${note}
`;
    expect(await build("pipelines/farewells.ts", whole)).toMatchObject({ version: { ok: true } });
    expect(await build("pipelines/whole.ts", caller("first"))).toMatchObject({
      version: { version: "v1", ok: true },
    });

    expect(await engine().deleteTemplate({ kind: "WorkflowTemplate", name: "farewells" })).toBe(true);
    const result = await build("pipelines/whole.ts", caller("rebuilt"));
    expect(result).toMatchObject({ version: { version: "v2", ok: false } });
    const diagnostics = result?.kind === "built" ? result.version.diagnostics : [];
    expect(diagnostics).toContainEqual(
      expect.objectContaining({
        code: "template.missing",
        path: "spec.workflowTemplateRef",
        message: expect.stringContaining("WorkflowTemplate farewells is not installed"),
        file: "whole.ts",
      }),
    );
    const missing = diagnostics.find((d) => d.code === "template.missing");
    // At the workflow({ … }) that names it.
    expect(missing).toMatchObject({ line: 2, column: expect.any(Number) });
    expect((await stack.pipelines.getPipeline("whole"))?.latestGoodVersion).toBe("v1");
  });

  it("refuses a template whose name another pipeline's template holds", async () => {
    await build("pipelines/library.ts", library("hello again"));
    const result = await build("pipelines/copycat.ts", library("mine"));
    expect(result).toMatchObject({ version: { ok: false } });
    const diagnostics = result?.kind === "built" ? result.version.diagnostics : [];
    expect(diagnostics).toContainEqual(
      expect.objectContaining({
        code: "template.install",
        message:
          "WorkflowTemplate greetings is installed by pipeline library; one pipeline owns each template name",
      }),
    );
    const kept = await engine().getTemplate({ kind: "WorkflowTemplate", name: "greetings" });
    expect(kept?.metadata.labels?.[LABEL_PIPELINE]).toBe("library");
  });

  it("retires the template when a new good version of its pipeline is no longer that template", async () => {
    expect(await engine().getTemplate({ kind: "WorkflowTemplate", name: "greetings" })).toBeDefined();
    const renamed = library("hello").replace('name: "greetings"', 'name: "salutations"');
    expect(await build("pipelines/library.ts", renamed)).toMatchObject({ version: { ok: true } });
    expect(await engine().getTemplate({ kind: "WorkflowTemplate", name: "greetings" })).toBeUndefined();
    expect(await engine().getTemplate({ kind: "WorkflowTemplate", name: "salutations" })).toBeDefined();

    const plain = `import { container, workflow } from "skiff";
export default workflow({ generateName: "plain-", entrypoint: container({ name: "main", image: "alpine", command: ["true"] }) });
`;
    expect(await build("pipelines/library.ts", plain)).toMatchObject({ version: { ok: true } });
    expect(await engine().getTemplate({ kind: "WorkflowTemplate", name: "salutations" })).toBeUndefined();
  });
});
