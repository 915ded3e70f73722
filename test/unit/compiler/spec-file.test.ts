import { describe, expect, it } from "vitest";
import { lintSpecText } from "../../../lib/compiler/lint-spec";
import { parseSpecs } from "../../../lib/compiler/spec-file";

const SPEC = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: dup-
  labels: {team: a}
  labels: {team: b}
spec:
  entrypoint: main
  arguments:
    parameters:
      - name: day
        value: 2001-12-14
  templates:
    - name: main
      container: {image: alpine, command: [date]}
`;

describe("the spec reader (skiff lint and skiff run --local)", () => {
  it("reads a duplicate key as Go's parser does (the last one wins), and lint warns where it is", () => {
    const parsed = parseSpecs(SPEC, "dup.yaml");
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.documents).toMatchObject([{ metadata: { labels: { team: "b" } } }]);
    expect(lintSpecText(SPEC, "dup.yaml")).toEqual([
      expect.objectContaining({
        severity: "warning",
        code: "yaml.duplicate-key",
        file: "dup.yaml",
        line: 6,
        column: 3,
      }),
    ]);
  });

  it("keeps lint's positions in a file with a duplicate key", () => {
    const broken = SPEC.replace("entrypoint: main", "entrypoint: nope");
    const errors = lintSpecText(broken, "dup.yaml").filter((d) => d.severity === "error");
    expect(errors).toEqual([expect.objectContaining({ file: "dup.yaml", line: 8 })]);
  });

  it("reads unquoted dates as strings and applies merge keys, as Argo does", () => {
    const parsed = parseSpecs(`${SPEC}---\nbase: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n`, "f.yaml");
    expect(parsed.documents).toMatchObject([
      { spec: { arguments: { parameters: [{ value: "2001-12-14" }] } } },
      { other: { x: 1, y: 2 } },
    ]);
  });

  it("reports bad YAML with its line and column", () => {
    expect(parseSpecs("kind: Workflow\nspec: [\n", "bad.yaml").diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        code: "yaml.syntax",
        file: "bad.yaml",
        line: 3,
        column: 1,
      }),
    ]);
  });
});
