import { type SourceFiles, uploadPath } from "../compiler/source-files";
import type { UploadRef } from "../ports/pipeline-store";
import type { SpecStore } from "../ports/spec-store";
import { SOURCE_PREFIX, type UploadEntry } from "./names";

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

/**
 * One pipeline's upload in the bucket as the compiler's `SourceFiles`, remembering what was read. Paths are
 * relative to the pipeline's root: its folder `pipelines/<name>/`, or for a one-file `pipelines/<name>.ts`
 * that file alone. Nothing outside the root is ever fetched: not another pipeline's files, not a `..` path,
 * an absolute path, a backslash or a percent-encoded separator (all read as absent).
 */
export interface RecordingSourceFiles extends SourceFiles {
  /** The compiler's entry path, relative to the root (`pipeline.ts`, or `<name>.ts` for one file). */
  readonly entry: string;
  /** Every file that existed when read, by path relative to `pipelines/` (as content hashes name them). */
  readonly files: Record<string, string>;
  /** The entry object as read (its key, ETag and S3 version), once it has been read. */
  readonly upload: UploadRef | undefined;
  /** The entry object's S3 user metadata, once it has been read (build parameters travel there). */
  readonly metadata: Record<string, string> | undefined;
}

// A path segment the bucket could read differently from the compiler: encodings, escapes, control characters.
const SUSPECT = /[%\\\u0000-\u001f\u007f]/;

/**
 * `entryVersionId` pins the entry to the S3 version a notification named (a versioned bucket), so that a
 * build reads the upload that triggered it even when another push has replaced the object since.
 */
export function uploadFiles(
  store: SpecStore,
  limits: UploadFilesLimits,
  upload: UploadEntry,
  entryVersionId?: string,
): RecordingSourceFiles {
  const folder = upload.folder ?? "";
  const entry = upload.entry.slice(folder.length);
  const files: Record<string, string> = {};
  let bytes = 0;
  const reads = new Map<string, Promise<string | undefined>>();
  let entryObject: UploadRef | undefined;
  let entryMetadata: Record<string, string> | undefined;
  const fetchFile = async (name: string): Promise<string | undefined> => {
    const key = SOURCE_PREFIX + name;
    const isEntry = name === upload.entry;
    const object = await store.get(key, isEntry && entryVersionId ? { versionId: entryVersionId } : {});
    if (object === undefined) return undefined;
    if (isEntry) {
      entryObject = { key, etag: object.etag, versionId: object.versionId };
      entryMetadata = object.metadata;
    }
    bytes += Buffer.byteLength(object.body, "utf8");
    if (Object.keys(files).length + 1 > limits.maxFiles) {
      throw new UploadTooLargeError(`the pipeline reads more than ${limits.maxFiles} files`);
    }
    if (bytes > limits.maxBytes) {
      throw new UploadTooLargeError(`the pipeline's files exceed ${limits.maxBytes} bytes (at ${name})`);
    }
    files[name] = object.body;
    return object.body;
  };
  return {
    entry,
    files,
    get upload() {
      return entryObject;
    },
    get metadata() {
      return entryMetadata;
    },
    read(path) {
      if (path.startsWith("/") || SUSPECT.test(path)) return Promise.resolve(undefined);
      const inside = uploadPath(path);
      if (inside === undefined) return Promise.resolve(undefined);
      // A one-file pipeline has no folder of its own: its siblings belong to other pipelines.
      if (upload.folder === undefined && inside !== entry) return Promise.resolve(undefined);
      const name = folder + inside;
      // One fetch per file, however many readers ask at once (the bundler and the type check do).
      let reading = reads.get(name);
      if (!reading) {
        reading = fetchFile(name);
        reads.set(name, reading);
      }
      return reading;
    },
  };
}
