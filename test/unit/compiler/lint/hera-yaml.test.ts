import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { lintSpecText } from "../../../../lib/compiler/lint-spec";

// Hera's generated YAML (../shared/conformance/hera) is a second, independent body of valid specs.
const heraDir = fileURLToPath(new URL("../../../../../shared/conformance/hera/", import.meta.url));
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : name.endsWith(".yaml") ? [full] : [];
  });
const files = walk(heraDir);
// Hera's own test of a global config with a made-up API version.
const FAKE_API_VERSION = "misc/global_config.yaml";

describe("Hera's generated YAML lints clean", () => {
  it("finds Hera's files", () => {
    expect(files.length).toBeGreaterThan(400);
  });

  it("has no error in any file but the one with a made-up apiVersion", () => {
    const failing = files
      .map((file) => ({
        file: file.slice(heraDir.length),
        errors: lintSpecText(readFileSync(file, "utf8"), file).filter((d) => d.severity === "error"),
      }))
      .filter((r) => r.errors.length > 0);
    expect(failing.map((r) => r.file)).toEqual([FAKE_API_VERSION]);
    expect(failing[0].errors[0]).toMatchObject({ code: "schema", path: "apiVersion" });
  });
});
