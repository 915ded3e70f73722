import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  directorySourceFiles,
  memorySourceFiles,
  OutsideUploadError,
  uploadPath,
} from "../../../lib/compiler/source-files";

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

  describe("symbolic links", () => {
    // parent/secret.txt and parent/secrets/ sit outside the upload; parent/upload is the pipeline's folder.
    let parent: string;
    let upload: string;
    const SECRET = "token-outside-the-upload";

    beforeEach(() => {
      parent = mkdtempSync(join(tmpdir(), "skiff-src-"));
      upload = join(parent, "upload");
      mkdirSync(join(upload, "lib"), { recursive: true });
      mkdirSync(join(parent, "secrets"));
      writeFileSync(join(parent, "secret.txt"), SECRET);
      writeFileSync(join(parent, "secrets", "key.ts"), SECRET);
      writeFileSync(join(upload, "lib", "x.ts"), "export const x = 1;\n");
    });
    afterEach(() => rmSync(parent, { recursive: true, force: true }));

    const refused = async (path: string) => {
      const read = directorySourceFiles(upload).read(path);
      await expect(read).rejects.toThrow(OutsideUploadError);
      await expect(read).rejects.toThrow(`"${path}" resolves outside the pipeline's folder`);
    };

    it("refuses a file link to a file outside, naming the file", async () => {
      symlinkSync(join(parent, "secret.txt"), join(upload, "secret.ts"));
      await refused("secret.ts");
    });

    it("refuses a relative file link that climbs out", async () => {
      symlinkSync("../../secret.txt", join(upload, "lib", "up.ts"));
      await expect(directorySourceFiles(upload).read("lib/up.ts")).rejects.toThrow(OutsideUploadError);
    });

    it("refuses files under a directory link to a folder outside", async () => {
      symlinkSync(join(parent, "secrets"), join(upload, "vendor"));
      await refused("vendor/key.ts");
    });

    it("refuses a chain of links that ends outside, even when its first hops stay inside", async () => {
      symlinkSync(join(parent, "secret.txt"), join(parent, "hop.ts"));
      symlinkSync(join(parent, "hop.ts"), join(upload, "lib", "b.ts"));
      symlinkSync("lib/b.ts", join(upload, "a.ts"));
      await refused("a.ts");
    });

    it("refuses a link to the folder's parent, through which the whole disk is reachable", async () => {
      symlinkSync("..", join(upload, "up"));
      await refused("up/secret.txt");
      // ...but what it reaches back inside the folder is the folder's own file.
      expect(await directorySourceFiles(upload).read("up/upload/lib/x.ts")).toBe("export const x = 1;\n");
    });

    it("reads `..` paths and absolute paths as absent, never the file they name", async () => {
      const files = directorySourceFiles(upload);
      expect(await files.read("../secret.txt")).toBeUndefined();
      expect(await files.read("lib/../../secret.txt")).toBeUndefined();
      expect(await files.read("..\\secret.txt")).toBeUndefined();
      expect(await files.read(join(parent, "secret.txt"))).toBeUndefined();
      expect(await files.read("/etc/passwd")).toBeUndefined();
      expect(await files.read("lib/x.ts\0.txt")).toBeUndefined();
    });

    it("keeps links that stay inside the folder working, and a link cycle reads as absent", async () => {
      symlinkSync("lib/x.ts", join(upload, "alias.ts"));
      symlinkSync(join(upload, "lib"), join(upload, "shared"));
      symlinkSync("loop-b.ts", join(upload, "loop-a.ts"));
      symlinkSync("loop-a.ts", join(upload, "loop-b.ts"));
      const files = directorySourceFiles(upload);
      expect(await files.read("alias.ts")).toBe("export const x = 1;\n");
      expect(await files.read("shared/x.ts")).toBe("export const x = 1;\n");
      expect(await files.read("loop-a.ts")).toBeUndefined();
    });

    it("works when the folder itself is reached through a link", async () => {
      symlinkSync(upload, join(parent, "linked-upload"));
      const files = directorySourceFiles(join(parent, "linked-upload"));
      expect(await files.read("lib/x.ts")).toBe("export const x = 1;\n");
      symlinkSync(join(parent, "secret.txt"), join(upload, "secret.ts"));
      await expect(files.read("secret.ts")).rejects.toThrow(OutsideUploadError);
    });
  });

  it("serves an in-memory upload by normalised path", async () => {
    const files = memorySourceFiles({ "./pipeline.ts": "a", "lib/b.ts": "b" });
    expect(await files.read("pipeline.ts")).toBe("a");
    expect(await files.read("lib/./b.ts")).toBe("b");
  });
});
