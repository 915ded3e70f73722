import { describe, expect, it } from "vitest";
import { lintManifest } from "../../../lib/build/lint";
import { sampleManifest } from "../../../lib/build/warm-up";

describe("linter warm-up sample", () => {
  it("is a valid Workflow (so warming up runs the validator's paths a real manifest takes)", () => {
    expect(lintManifest(sampleManifest())).toEqual([]);
    const big = sampleManifest(40);
    expect(big.spec.templates[0].dag?.tasks).toHaveLength(40);
    expect(lintManifest(big)).toEqual([]);
  });
});
