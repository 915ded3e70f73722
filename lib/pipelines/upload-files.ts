import { type SourceFiles, uploadPath } from "../build/source-files";
import type { SpecStore } from "../ports/spec-store";
import { SOURCE_PREFIX } from "./names";

export class UploadTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UploadTooLargeError";
  }
}

export interface UploadFilesLimits {
  /** Most files one build may read. */
  maxFiles: number;
  /** Most bytes (all files together) one build may read. */
  maxBytes: number;
}

/** The upload root in the bucket (`pipelines/`) as the compiler's `SourceFiles`, remembering what was read. */
export interface RecordingSourceFiles extends SourceFiles {
  /** Every file that existed when read, by upload-relative path. */
  readonly files: Record<string, string>;
}

export function uploadFiles(store: SpecStore, limits: UploadFilesLimits): RecordingSourceFiles {
  const files: Record<string, string> = {};
  let bytes = 0;
  return {
    files,
    async read(path) {
      const inside = uploadPath(path);
      if (inside === undefined) return undefined;
      if (inside in files) return files[inside];
      const object = await store.get(SOURCE_PREFIX + inside);
      if (object === undefined) return undefined;
      bytes += Buffer.byteLength(object.body, "utf8");
      if (Object.keys(files).length + 1 > limits.maxFiles) {
        throw new UploadTooLargeError(`the pipeline reads more than ${limits.maxFiles} files`);
      }
      if (bytes > limits.maxBytes) {
        throw new UploadTooLargeError(`the pipeline's files exceed ${limits.maxBytes} bytes (at ${inside})`);
      }
      files[inside] = object.body;
      return object.body;
    },
  };
}
