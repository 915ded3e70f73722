import { describe, expect, it } from "vitest";
import { DEFAULT_IMAGE_RULES, resolveImage } from "../../../../lib/engine/local/images";
import { PathMapper } from "../../../../lib/engine/local/paths";
import { humanDuration, parseDurationMs } from "../../../../lib/engine/local/time";

describe("path mapping", () => {
  it("rewrites declared paths and /tmp once, leaving other paths alone", () => {
    const m = new PathMapper("/tmp/engine/step", ["/mnt/out.txt", "/output"]);
    expect(m.rewrite("echo hi > /tmp/x.txt && cat /etc/os-release > /mnt/out.txt; echo /output")).toBe(
      "echo hi > /tmp/engine/step/fs/tmp/x.txt && cat /etc/os-release > /tmp/engine/step/fs/mnt/out.txt; echo /tmp/engine/step/fs/output",
    );
    expect(m.rewrite("/tmpfoo /outputs a/tmp/b")).toBe("/tmpfoo /outputs a/tmp/b");
  });

  it("leaves /tmp paths inside the host's own directories alone (a project checked out under /tmp)", () => {
    const m = new PathMapper("/tmp/ci/p/.skiff/w/step", ["/out.txt"], ["/tmp/ci/p"]);
    expect(
      m.rewrite("date > /tmp/ci/p/.skiff/test/x/pid; echo '/tmp/ci/p' /tmp/ci/px /tmp/y > /out.txt"),
    ).toBe(
      "date > /tmp/ci/p/.skiff/test/x/pid; echo '/tmp/ci/p' /tmp/ci/p/.skiff/w/step/fs/tmp/ci/px " +
        "/tmp/ci/p/.skiff/w/step/fs/tmp/y > /tmp/ci/p/.skiff/w/step/fs/out.txt",
    );
  });
});

describe("durations", () => {
  it("parses Argo durations and humanizes like Argo's messages", () => {
    expect(parseDurationMs("10")).toBe(10_000);
    expect(parseDurationMs("1m30s")).toBe(90_000);
    expect(parseDurationMs("500ms")).toBe(500);
    expect(parseDurationMs("1d")).toBe(86_400_000);
    expect(() => parseDurationMs("ten")).toThrow('invalid duration "ten"');
    expect(humanDuration(1000)).toBe("1 second");
    expect(humanDuration(2000)).toBe("2 seconds");
    expect(humanDuration(90_000)).toBe("1 minute 30 seconds");
  });
});

describe("image rules", () => {
  it("maps the built-in images and nothing else", () => {
    expect(resolveImage("python:alpine3.23", DEFAULT_IMAGE_RULES)?.rule.shims?.python).toContain("python3");
    expect(resolveImage("docker.io/library/alpine:3.23", DEFAULT_IMAGE_RULES)).toBeDefined();
    expect(resolveImage("argoproj/argosay:v2", DEFAULT_IMAGE_RULES)?.rule.entrypoint).toEqual(["argosay"]);
    expect(resolveImage("pythonista/tool", DEFAULT_IMAGE_RULES)).toBeUndefined();
    expect(resolveImage("example.com/x:1", DEFAULT_IMAGE_RULES)).toBeUndefined();
  });
});
