// docs/import.md shows a Workflow and what `skiff import` writes for it: the example must stay true.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatTypeScript, importSource } from "../../../lib/import";

const doc = readFileSync(new URL("../../../docs/import.md", import.meta.url), "utf8");

describe("docs/import.md", () => {
  it("shows the pipeline skiff import writes for its example Workflow", async () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    const typescript = /```typescript\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(yaml).toBeDefined();
    expect(typescript).toBeDefined();
    expect(await formatTypeScript(importSource(yaml as string, "workflow.yaml"))).toBe(typescript);
  });
});
