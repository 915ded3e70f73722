import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { directorySourceFiles, memorySourceFiles, uploadPath } from "../../../lib/build/source-files";

describe("source files", () => {
  it("normalises upload paths and refuses to leave the root", () => {
    expect(uploadPath("./a/../b/c.ts")).toBe("b/c.ts");
    expect(uploadPath("../secret.ts")).toBeUndefined();
    expect(uploadPath("a/../../x")).toBeUndefined();
  });

  it("reads a directory, and nothing outside it", async () => {
    const parent = mkdtempSync(join(tmpdir(), "skiff-src-"));
    try {
      mkdirSync(join(parent, "upload", "lib"), { recursive: true });
      writeFileSync(join(parent, "upload", "lib", "x.ts"), "export const x = 1;\n");
      writeFileSync(join(parent, "outside.ts"), "secret\n");
      const files = directorySourceFiles(join(parent, "upload"));
      expect(await files.read("lib/x.ts")).toBe("export const x = 1;\n");
      expect(await files.read("missing.ts")).toBeUndefined();
      expect(await files.read("lib")).toBeUndefined();
      expect(await files.read("../outside.ts")).toBeUndefined();
      expect(await files.read(join(parent, "outside.ts"))).toBeUndefined();
      // A root given with a trailing separator reads the same files.
      expect(await directorySourceFiles(`${join(parent, "upload")}/`).read("lib/x.ts")).toBe(
        "export const x = 1;\n",
      );
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it("serves an in-memory upload by normalised path", async () => {
    const files = memorySourceFiles({ "./pipeline.ts": "a", "lib/b.ts": "b" });
    expect(await files.read("pipeline.ts")).toBe("a");
    expect(await files.read("lib/./b.ts")).toBe("b");
  });
});
