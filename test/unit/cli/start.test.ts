import { describe, expect, it } from "vitest";
import { stackPorts, webhooksFrom } from "../../../lib/cli/commands/start-stack";
import { UsageError } from "../../../lib/cli/exit";

describe("skiff start options", () => {
  it("derives four consecutive ports from --port", () => {
    expect(stackPorts("7700")).toEqual({ api: 7700, s3: 7701, bus: 7702, dynamodb: 7703 });
    expect(() => stackPorts("80")).toThrow(UsageError);
    expect(() => stackPorts("abc")).toThrow(/--port/);
  });

  it("collects webhooks from flags and SKIFF_WEBHOOKS", () => {
    const hooks = webhooksFrom(
      ["http://localhost:9000/all"],
      JSON.stringify([{ url: "https://example.test/failed", pattern: { detail: { status: ["Failed"] } } }]),
    );
    expect(hooks).toEqual([
      { url: "http://localhost:9000/all" },
      { url: "https://example.test/failed", pattern: { detail: { status: ["Failed"] } } },
    ]);
  });

  it("names the bad entry of SKIFF_WEBHOOKS", () => {
    expect(() => webhooksFrom([], "{")).toThrow(/SKIFF_WEBHOOKS is not valid JSON/);
    expect(() => webhooksFrom([], JSON.stringify([{ url: "ftp://x" }]))).toThrow(/SKIFF_WEBHOOKS\[0\]\.url/);
  });
});
