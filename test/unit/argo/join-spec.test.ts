import { describe, expect, it } from "vitest";
import type { WorkflowSpec } from "../../../lib/argo";
import { joinWorkflowSpec } from "../../../lib/argo/join-spec";

const stored: WorkflowSpec = {
  entrypoint: "main",
  serviceAccountName: "runner",
  suspend: true,
  arguments: {
    parameters: [
      { name: "greeting", value: "hi" },
      { name: "name", default: "world", enum: ["world", "team"] },
    ],
  },
  templates: [
    { name: "main", container: { image: "alpine", command: ["echo", "stored"] } },
    { name: "other", container: { image: "alpine" } },
  ],
  nodeSelector: { pool: "a" },
};

describe("joinWorkflowSpec (Argo's JoinWorkflowSpec)", () => {
  it("keeps the stored fields the workflow does not set, and the workflow's where it does", () => {
    const joined = joinWorkflowSpec({ entrypoint: "other", nodeSelector: { zone: "b" } }, stored);
    expect(joined.entrypoint).toBe("other");
    expect(joined.serviceAccountName).toBe("runner");
    expect(joined.nodeSelector).toEqual({ pool: "a", zone: "b" });
    expect(joined.templates?.map((t) => t.name)).toEqual(["main", "other"]);
  });

  it("replaces a stored argument whole by the workflow's of that name (no default left beside its value)", () => {
    const joined = joinWorkflowSpec({ arguments: { parameters: [{ name: "name", value: "team" }] } }, stored);
    expect(joined.arguments?.parameters).toEqual([
      { name: "greeting", value: "hi" },
      { name: "name", value: "team" },
    ]);
  });

  it("merges templates by name, the workflow's fields over the stored template's", () => {
    const joined = joinWorkflowSpec(
      {
        templates: [
          { name: "main", container: { image: "busybox" } },
          { name: "extra", suspend: {} },
        ],
      },
      stored,
    );
    expect(joined.templates).toEqual([
      { name: "main", container: { image: "busybox", command: ["echo", "stored"] } },
      { name: "other", container: { image: "alpine" } },
      { name: "extra", suspend: {} },
    ]);
  });

  it("takes suspend from the workflow only", () => {
    expect(joinWorkflowSpec({}, stored).suspend).toBeUndefined();
    expect(joinWorkflowSpec({ suspend: true }, { ...stored, suspend: undefined }).suspend).toBe(true);
  });

  it("does not change its inputs", () => {
    const before = structuredClone(stored);
    joinWorkflowSpec({ arguments: { parameters: [{ name: "greeting", value: "x" }] } }, stored);
    expect(stored).toEqual(before);
  });
});
