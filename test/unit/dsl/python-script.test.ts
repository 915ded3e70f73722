import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { artifact, DslError, param, py, pythonScript, steps, workflow } from "skiff";
import { describe, expect, it } from "vitest";
import type { Workflow } from "../../../lib/argo";
import { MapScope, substitute } from "../../../lib/argo/expr";
import { parseYaml } from "../../support/yaml";

const heraRoot = new URL("../../../../shared/conformance/hera/", import.meta.url);

describe("pythonScript: inputs declared once, parsed as Hera's @script does", () => {
  it("generates Hera's exact source and input declarations (use_cases/dask.yaml)", () => {
    const hera = parseYaml(readFileSync(new URL("use_cases/dask.yaml", heraRoot), "utf8")) as Workflow;
    const theirs = hera.spec.templates?.find((template) => template.name === "dask-computation");
    const body = (theirs?.script?.source ?? "").split("\n\n").slice(1).join("\n\n");
    const ours = pythonScript({
      name: "dask-computation",
      image: "ghcr.io/dask/dask:latest",
      inputs: { namespace: py.str("default"), n_workers: py.int(1) },
      source: body,
    }).render({ sites: new Map(), path: "t" });
    expect(ours.script?.source).toBe(theirs?.script?.source);
    expect(ours.inputs).toEqual(theirs?.inputs);
    expect(ours.script?.command).toEqual(["python"]);
  });

  it("writes typed defaults as Python's json.dumps does", () => {
    const template = pythonScript({
      name: "typed",
      inputs: {
        s: py.str("plain text"),
        i: py.int(42),
        f: py.float(1),
        big: py.float(1e20),
        small: py.float(0.00001),
        b: py.bool(false),
        j: py.json({ a: [1, "é"], b: null }),
        o: py.optional(),
        r: py.int(),
      },
      source: "print(i)",
    }).render({ sites: new Map(), path: "t" });
    expect(Object.fromEntries((template.inputs?.parameters ?? []).map((p) => [p.name, p.default]))).toEqual({
      s: "plain text",
      i: "42",
      f: "1.0",
      big: "1e+20",
      small: "1e-05",
      b: "false",
      j: '{"a": [1, "\\u00e9"], "b": null}',
      o: "null",
      r: undefined,
    });
    expect(() => py.int(1.5)).toThrow(/not an integer/);
    expect(py.str(undefined, { description: "who to greet" })).toEqual({
      kind: "parameter",
      options: { description: "who to greet" },
    });
  });

  it("the preamble turns Argo's substituted text into Python values", () => {
    const template = pythonScript({
      name: "show",
      inputs: {
        count: py.int(),
        ratio: py.float(),
        flag: py.bool(),
        data: py.json(),
        word: py.str(),
        data_in: artifact({ path: "/in" }),
      },
      addCwdToSysPath: false,
      source: `
        print(repr(count + 1), repr(ratio * 2), repr(not flag), repr(data["k"]), repr(word))
      `,
    }).render({ sites: new Map(), path: "t" });
    const source = substitute(
      template.script?.source ?? "",
      new MapScope({
        "inputs.parameters.count": "41",
        "inputs.parameters.ratio": "1.25",
        "inputs.parameters.flag": "true",
        "inputs.parameters.data": '{"k": [1, 2]}',
        "inputs.parameters.word": "hello world",
      }),
    );
    expect(source.startsWith("import json\n")).toBe(true);
    expect(execFileSync("python3", ["-c", source], { encoding: "utf8" }).trim()).toBe(
      "42 2.5 False [1, 2] 'hello world'",
    );
  });

  it("types the arguments by the same declaration and refuses names Python cannot use", () => {
    const add = pythonScript({ name: "add", inputs: { a: py.int(), b: py.int(2) }, source: "print(a + b)" });
    const main = steps("main", (s) => {
      s.step("add", add, { args: { a: 1 } });
      // @ts-expect-error: "a" is required.
      expect(() => s.step("missing", add, { args: { b: 3 } })).toThrow(/needs argument "a"/);
    });
    expect(
      (workflow({ generateName: "p-", entrypoint: main }).toSpec() as Workflow).spec.templates?.length,
    ).toBe(2);
    expect(() => pythonScript({ name: "bad", inputs: { "my-input": param() }, source: "pass" })).toThrow(
      DslError,
    );
    expect(() => pythonScript({ name: "bad", inputs: { class: param() }, source: "pass" })).toThrow(
      /input "class" is not a Python variable name/,
    );
  });
});
