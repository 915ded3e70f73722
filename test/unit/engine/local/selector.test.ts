import { describe, expect, it } from "vitest";
import { LabelSelectorError, matchesLabels, parseLabelSelector } from "../../../../lib/engine/local/selector";

describe("label selectors", () => {
  const labels = { app: "skiff", tier: "web", "skiff.dev/run-id": "r1" };
  const matches = (s: string) => matchesLabels(parseLabelSelector(s), labels);

  it("supports equality, inequality, set and existence terms", () => {
    expect(matches("app=skiff")).toBe(true);
    expect(matches("app==skiff,tier=web")).toBe(true);
    expect(matches("app!=skiff")).toBe(false);
    expect(matches("missing!=x")).toBe(true);
    expect(matches("tier in (web, api)")).toBe(true);
    expect(matches("tier notin (web)")).toBe(false);
    expect(matches("skiff.dev/run-id")).toBe(true);
    expect(matches("!skiff.dev/run-id")).toBe(false);
    expect(matches("")).toBe(true);
  });

  it("names the bad term", () => {
    expect(() => parseLabelSelector("app=skiff,a b")).toThrow(
      new LabelSelectorError('invalid label selector term "a b" in "app=skiff,a b"'),
    );
  });
});
