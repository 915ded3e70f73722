import { describe, expect, it } from "vitest";
import { canonicalize, toJson, toYaml } from "../../../lib/compiler/yaml";
import { parseYaml } from "../../support/yaml";

describe("toYaml", () => {
  const spec = {
    spec: {
      templates: [
        {
          script: { source: "import sys\nprint(sys.argv)\n", image: "python:3.12", command: ["python"] },
          name: "run",
        },
      ],
      entrypoint: "run",
      arguments: { parameters: [{ value: "1", name: "n" }] },
      zeta: true,
      alpha: undefined,
    },
    metadata: { labels: { b: "2", a: "1" }, generateName: "x-" },
    kind: "Workflow",
    apiVersion: "argoproj.io/v1alpha1",
  };

  it("orders keys the way Argo's documents do, the rest alphabetically, templates last", () => {
    expect(Object.keys(canonicalize(spec))).toEqual(["apiVersion", "kind", "metadata", "spec"]);
    const inner = canonicalize(spec).spec as Record<string, unknown>;
    expect(Object.keys(inner)).toEqual(["entrypoint", "arguments", "zeta", "templates"]);
    const template = (inner.templates as Record<string, unknown>[])[0];
    expect(Object.keys(template)).toEqual(["name", "script"]);
    expect(Object.keys(template.script as object)).toEqual(["image", "command", "source"]);
  });

  it("writes scripts as literal block scalars and round-trips", () => {
    const text = toYaml(spec);
    expect(text).toContain("        source: |\n          import sys\n          print(sys.argv)\n");
    expect(text).not.toContain("alpha:");
    expect(parseYaml(text)).toEqual(JSON.parse(toJson(spec)));
  });

  it("is byte-identical for the same spec whatever its key order", () => {
    const shuffled = JSON.parse(JSON.stringify(spec, Object.keys(spec).reverse()));
    expect(toYaml(spec)).toBe(toYaml(spec));
    expect(toYaml({ ...shuffled, spec: spec.spec, metadata: spec.metadata })).toBe(toYaml(spec));
  });

  it("quotes YAML 1.1 booleans, which Go's parser (Argo, kubectl) would read as booleans", () => {
    expect(toYaml({ a: "on", b: "yes", c: "off" })).toBe("a: 'on'\nb: 'yes'\nc: 'off'\n");
  });

  it("quotes strings YAML would read as other types, and never folds long lines", () => {
    const text = toYaml({ a: "true", b: "1.0", c: "x ".repeat(100).trim(), d: "null" });
    expect(parseYaml(text)).toEqual({ a: "true", b: "1.0", c: "x ".repeat(100).trim(), d: "null" });
    expect(text.split("\n").length).toBe(5);
  });
});
