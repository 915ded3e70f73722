import { describe, expect, it } from "vitest";
import { DEFAULT_IMAGE_RULES, resolveImage, rewriteImagePaths } from "../../../../lib/engine/local/images";
import { PathMapper, resolveExecutable } from "../../../../lib/engine/local/paths";
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

describe("image program paths", () => {
  const argosay = resolveImage("argoproj/argosay:v2", DEFAULT_IMAGE_RULES)?.rule;
  if (!argosay) throw new Error("no argosay rule");

  it("rewrites the image's own program paths, whole tokens only", () => {
    expect(rewriteImagePaths("/argosay echo 1/2 $F && /usr/local/bin/cowsay hi", argosay, "/s")).toBe(
      "/s/argosay echo 1/2 $F && /s/cowsay hi",
    );
    expect(rewriteImagePaths("/argosay-data /x/argosay a/argosay /argosay.txt", argosay, "/s")).toBe(
      "/argosay-data /x/argosay a/argosay /argosay.txt",
    );
    expect(rewriteImagePaths("/argosay", argosay, undefined)).toBe("/argosay");
  });

  it("resolves argv[0]: a shim by name, else an absent image path by its name on the host PATH", () => {
    const shims = { python: "exec python3" };
    expect(resolveExecutable("python", "/s", shims)).toBe("/s/python");
    expect(resolveExecutable("/usr/local/bin/python", "/s", shims)).toBe("/s/python");
    expect(resolveExecutable("/no/such/dir/sh", "/s", shims, "relative:/bin:/usr/bin")).toMatch(
      /^\/(usr\/)?bin\/sh$/,
    );
    expect(resolveExecutable("/no/such/dir/no-such-program", "/s", shims, "/bin")).toBe(
      "/no/such/dir/no-such-program",
    );
    expect(resolveExecutable("/bin/sh", "/s", { sh: "x" })).toBe("/bin/sh");
  });
});
