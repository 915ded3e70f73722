import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { lintSpec } from "../../../../lib/compiler/lint";
import { KINDS } from "../../../../lib/compiler/lint/schema";
import { parseSpecs } from "../../../../lib/compiler/spec-file";

// Argo's own examples (../shared/conformance/argo/examples, beside the project) are the reference for
// what valid looks like: every document must lint without a single error.
const examplesDir = fileURLToPath(
  new URL("../../../../../shared/conformance/argo/examples/", import.meta.url),
);
const files = readdirSync(examplesDir).filter((f) => f.endsWith(".yaml"));

// Two documents are plain Kubernetes objects (a PersistentVolumeClaim, a ResourceQuota), not Argo specs.
const isArgoKind = (spec: unknown) =>
  (KINDS as readonly unknown[]).includes((spec as { kind?: unknown }).kind);
const documents = files.flatMap((file) => {
  const parsed = parseSpecs(readFileSync(`${examplesDir}${file}`, "utf8"), file);
  expect(parsed.diagnostics).toEqual([]);
  return parsed.documents.map((spec, index) => ({ file, index, spec })).filter((d) => isArgoKind(d.spec));
});

describe("Argo's examples lint clean", () => {
  it("finds all 191 documents", () => {
    expect(files.length).toBe(190);
    expect(documents.length).toBe(191);
  });

  it.each(documents.map((d) => [`${d.file}#${d.index}`, d.spec]))("%s", (_name, spec) => {
    const errors = lintSpec(spec).filter((d) => d.severity === "error");
    expect(errors).toEqual([]);
  });
});
