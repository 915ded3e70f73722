import { describe, expect, it } from "vitest";
import { Code, print } from "../../../lib/import/code";
import { renderText, type Scope } from "../../../lib/import/refs";

function scope(): Scope {
  return {
    graph: {
      prefix: "tasks",
      nodes: new Map([
        ["gen", { variable: "gen", parameters: new Set(["n", "x-y"]), artifacts: new Set(["data"]) }],
      ]),
    },
    inputs: { variable: "d", names: new Map([["who", "parameters" as const]]) },
    args: { variable: "args", parameters: new Set(["rows"]) },
    items: true,
    imports: new Set(),
  };
}

const text = (value: string, s = scope()) => print(renderText(value, s));

describe("references in strings", () => {
  it("turns a whole-string reference into the typed expression", () => {
    expect(text("{{tasks.gen.outputs.result}}")).toBe("gen.result");
    expect(text("{{tasks.gen.outputs.parameters.n}}")).toBe("gen.outputs.n");
    expect(text("{{tasks.gen.outputs.parameters.x-y}}")).toBe('gen.outputs["x-y"]');
    expect(text("{{tasks.gen.outputs.artifacts.data}}")).toBe("gen.outputs.data");
    expect(text("{{tasks.gen.exitCode}}")).toBe("gen.exitCode");
    expect(text("{{inputs.parameters.who}}")).toBe("d.inputs.who");
    expect(text("{{workflow.parameters.rows}}")).toBe("args.refs.rows");
  });

  it("uses outputParameter/outputArtifact for outputs the template does not declare", () => {
    expect(text("{{tasks.gen.outputs.parameters.other}}")).toBe('gen.outputParameter("other")');
    expect(text("{{tasks.gen.outputs.artifacts.other}}")).toBe('gen.outputArtifact("other")');
  });

  it("writes mixed text as a template literal, escaping what a template literal would read", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell variable in Argo text
    expect(text("n=`{{tasks.gen.outputs.parameters.n}}` ${HOME}")).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: generated code, compared as text
      "`n=\\`${gen.outputs.n}\\` \\${HOME}`",
    );
  });

  it("leaves unresolvable, spaced and expression tags as text", () => {
    for (const value of [
      "{{tasks.other.outputs.result}}",
      "{{ tasks.gen.outputs.result }}",
      "{{=tasks.gen.outputs.result}}",
      "{{inputs.parameters.nope}}",
      "{{inputs.artifacts.who}}",
      "{{workflow.name}}",
    ]) {
      expect(renderText(value, scope())).toBe(value);
    }
  });

  it("writes loop items as item / itemField and records the imports", () => {
    const s = scope();
    expect(text("{{item}}", s)).toBe("item");
    expect(text("{{item.os.name}}", s)).toBe('itemField("os.name")');
    expect([...s.imports].sort()).toEqual(["item", "itemField"]);
  });

  it("prints literals as a person writes them", () => {
    expect(print({ a: 1, "b-c": [true, null], d: new Code("x") })).toBe(
      '{ a: 1, "b-c": [true, null], d: x }',
    );
    expect(print("two\nlines `q`")).toBe("`two\nlines \\`q\\``");
    expect(print("tab\tand\rcarriage\n")).toBe('"tab\\tand\\rcarriage\\n"');
  });
});
