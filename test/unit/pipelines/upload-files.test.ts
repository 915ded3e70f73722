// The upload as the compiler reads it: the bundler and the type check read the same files at once.
import { describe, expect, it } from "vitest";
import { uploadEntry } from "../../../lib/pipelines/names";
import { UploadTooLargeError, uploadFiles } from "../../../lib/pipelines/upload-files";
import type { SpecStore } from "../../../lib/ports/spec-store";

/** A bucket of fixed objects that counts its reads. */
function bucket(objects: Record<string, string>) {
  const gets: string[] = [];
  const store: SpecStore = {
    async get(key) {
      gets.push(key);
      await new Promise((resolve) => setImmediate(resolve));
      return key in objects ? { body: objects[key] ?? "" } : undefined;
    },
    async put() {
      return {};
    },
    async list() {
      return [];
    },
  };
  return { store, gets };
}

const entry = uploadEntry("pipelines/p/pipeline.ts");
if (!entry) throw new Error("pipelines/p/pipeline.ts is not an entry");

describe("uploadFiles", () => {
  it("fetches a file once however many readers ask for it at once, and counts its bytes once", async () => {
    const { store, gets } = bucket({
      "pipelines/p/pipeline.ts": "x".repeat(60),
      "pipelines/p/steps.ts": "y",
    });
    const files = uploadFiles(store, { maxFiles: 2, maxBytes: 100 }, entry);
    const texts = await Promise.all([
      files.read("pipeline.ts"),
      files.read("pipeline.ts"),
      files.read("steps.ts"),
    ]);
    expect(texts).toEqual(["x".repeat(60), "x".repeat(60), "y"]);
    expect(gets.sort()).toEqual(["pipelines/p/pipeline.ts", "pipelines/p/steps.ts"]);
    expect(files.files).toEqual({ "p/pipeline.ts": "x".repeat(60), "p/steps.ts": "y" });
  });

  it("still refuses an upload past its byte limit, to every reader", async () => {
    const { store } = bucket({ "pipelines/p/pipeline.ts": "x".repeat(101) });
    const files = uploadFiles(store, { maxFiles: 2, maxBytes: 100 }, entry);
    const reads = [files.read("pipeline.ts"), files.read("pipeline.ts")];
    for (const read of reads) await expect(read).rejects.toBeInstanceOf(UploadTooLargeError);
  });

  it("reads the entry at the notified S3 version and remembers which object it read", async () => {
    const asked: Array<{ key: string; versionId?: string }> = [];
    const store: SpecStore = {
      async get(key, options) {
        asked.push({ key, versionId: options?.versionId });
        const old = options?.versionId === "v-old";
        return {
          body: old ? "old" : "new",
          etag: old ? '"e-old"' : '"e-new"',
          versionId: options?.versionId,
        };
      },
      async put() {
        return {};
      },
      async list() {
        return [];
      },
    };
    const files = uploadFiles(store, { maxFiles: 5, maxBytes: 100 }, entry, "v-old");
    expect(files.upload).toBeUndefined();
    expect(await files.read("pipeline.ts")).toBe("old");
    expect(await files.read("steps.ts")).toBe("new"); // siblings: the key's newest object
    expect(asked).toEqual([
      { key: "pipelines/p/pipeline.ts", versionId: "v-old" },
      { key: "pipelines/p/steps.ts", versionId: undefined },
    ]);
    expect(files.upload).toEqual({ key: "pipelines/p/pipeline.ts", etag: '"e-old"', versionId: "v-old" });
  });
});
