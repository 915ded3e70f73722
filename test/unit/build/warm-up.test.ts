import { describe, expect, it } from "vitest";
import * as lint from "../../../lib/build/lint";
import { sampleManifest, warmUpLinter } from "../../../lib/build/warm-up";

describe("linter warm-up", () => {
  it("lints a valid Workflow (so warming up runs the validator's paths a real manifest takes)", () => {
    expect(lint.lintManifest(sampleManifest())).toEqual([]);
    const big = sampleManifest(40);
    expect(lint.lintManifest(big)).toEqual([]);
    expect(big.spec.templates[0].dag?.tasks).toHaveLength(40);
  });

  it("lints the sample until the build's manifest is there, once per process", async () => {
    const manifests: unknown[] = [];
    const counting = {
      ...lint,
      lintManifest: (manifest: unknown) => {
        manifests.push(manifest);
        return lint.lintManifest(manifest as Parameters<typeof lint.lintManifest>[0]);
      },
    };
    warmUpLinter(counting, () => manifests.length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(manifests).toHaveLength(3);
    warmUpLinter(counting, () => false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(manifests).toHaveLength(3);
  });
});
