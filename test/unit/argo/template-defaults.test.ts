import { describe, expect, it } from "vitest";
import type { Template } from "../../../lib/argo";
import { mergeTemplateDefaults } from "../../../lib/argo/template-defaults";

describe("mergeTemplateDefaults (operator.go mergedTemplateDefaultsInto: strategic merge of the template over the defaults)", () => {
  const defaults: Template = {
    timeout: "1m",
    container: {
      image: "alpine",
      command: ["sh", "-c"],
      env: [
        { name: "A", value: "a" },
        { name: "B", value: "b" },
      ],
      volumeMounts: [{ name: "v", mountPath: "/data" }],
    },
    script: { image: "python", source: "" },
    inputs: { parameters: [{ name: "p", value: "1" }] },
    metadata: { labels: { team: "x" } },
  };

  it("merges objects by key and merge-keyed lists item by item; other lists are the template's", () => {
    const merged = mergeTemplateDefaults(defaults, {
      name: "t",
      container: {
        args: ["echo"],
        command: ["bash", "-c"],
        env: [
          { name: "B", value: "own" },
          { name: "C", value: "c" },
        ],
      },
      inputs: { parameters: [{ name: "q" }] },
      metadata: { labels: { app: "y" } },
    } as unknown as Template);
    expect(merged.timeout).toBe("1m");
    expect(merged.container).toEqual({
      image: "alpine",
      command: ["bash", "-c"],
      args: ["echo"],
      env: [
        { name: "A", value: "a" },
        { name: "B", value: "own" },
        { name: "C", value: "c" },
      ],
      volumeMounts: [{ name: "v", mountPath: "/data" }],
    });
    expect(merged.inputs?.parameters).toEqual([{ name: "p", value: "1" }, { name: "q" }]);
    expect(merged.metadata?.labels).toEqual({ team: "x", app: "y" });
  });

  it("gives a type's defaults only to templates of that type", () => {
    const steps = mergeTemplateDefaults(defaults, { name: "s", steps: [[{ name: "a", template: "t" }]] });
    expect(steps.container).toBeUndefined();
    expect(steps.script).toBeUndefined();
    expect(steps.timeout).toBe("1m");
    const script = mergeTemplateDefaults(defaults, {
      name: "py",
      script: { source: "print(1)" },
    } as unknown as Template);
    expect(script.container).toBeUndefined();
    expect(script.script).toEqual({ image: "python", source: "print(1)" });
  });

  it("leaves a template alone without defaults, and lets empty values patch nothing (Go's omitempty)", () => {
    const t: Template = { name: "t", container: { image: "busybox" } };
    expect(mergeTemplateDefaults(undefined, t)).toBe(t);
    expect(
      mergeTemplateDefaults(defaults, { name: "t", container: { image: "", command: [] } }).container,
    ).toMatchObject({
      image: "alpine",
      command: ["sh", "-c"],
    });
  });
});
