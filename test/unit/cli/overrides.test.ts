import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseDuration, UsageError } from "../../../lib/cli/exit";
import { parseOverrides } from "../../../lib/cli/overrides";
import { tempDir } from "../../support/temp-dir";

const temp = tempDir("overrides");
afterAll(() => temp.remove());

describe("--override and --override-file", () => {
  it("builds the API's overrides object from path=value flags", () => {
    expect(
      parseOverrides(
        [
          "nodeSelector.kubernetes.io/arch=arm64",
          "env.LOG_LEVEL=debug",
          "resources.requests.cpu=500m",
          "resources.limits.memory=1Gi",
          "privileged=false",
        ],
        undefined,
      ),
    ).toEqual({
      nodeSelector: { "kubernetes.io/arch": "arm64" },
      env: { LOG_LEVEL: "debug" },
      resources: { requests: { cpu: "500m" }, limits: { memory: "1Gi" } },
      privileged: false,
    });
  });

  it("starts from the file and lets flags add to it", () => {
    const file = join(temp.path, "o.yaml");
    writeFileSync(file, "nodeSelector:\n  disk: ssd\ntolerations:\n  - key: gpu\n    operator: Exists\n");
    expect(parseOverrides(["nodeSelector.zone=a"], file)).toEqual({
      nodeSelector: { disk: "ssd", zone: "a" },
      tolerations: [{ key: "gpu", operator: "Exists" }],
    });
  });

  it("names the flag and what it accepts", () => {
    expect(() => parseOverrides(["tolerations.0.key=x"], undefined)).toThrow(
      /put tolerations in --override-file/,
    );
    expect(() => parseOverrides(["nodeSelector=x"], undefined)).toThrow(/nodeSelector\.<key>=<value>/);
    expect(() => parseOverrides(["privileged=yes"], undefined)).toThrow(/true or false/);
    expect(() => parseOverrides(["resources.cpu=1"], undefined)).toThrow(/resources\.requests/);
    expect(() => parseOverrides(["novalue"], undefined)).toThrow(UsageError);
    const list = join(temp.path, "list.yaml");
    writeFileSync(list, "- a\n");
    expect(() => parseOverrides([], list)).toThrow(/expected a mapping/);
    expect(() => parseOverrides([], join(temp.path, "missing.yaml"))).toThrow(
      /--override-file .*missing\.yaml/,
    );
  });
});

describe("parseDuration", () => {
  it("reads 90s, 10m, 1h, 500ms and bare seconds", () => {
    expect([parseDuration("90s", "--t"), parseDuration("10m", "--t"), parseDuration("1h", "--t")]).toEqual([
      90_000, 600_000, 3_600_000,
    ]);
    expect([parseDuration("500ms", "--t"), parseDuration("2", "--t")]).toEqual([500, 2000]);
    expect(() => parseDuration("soon", "--timeout")).toThrow(/--timeout expects a duration/);
  });
});
