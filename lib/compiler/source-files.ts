import { readFile, realpath } from "node:fs/promises";
import { isAbsolute, join, normalize, resolve, sep } from "node:path";

/**
 * Where the compiler reads a pipeline's upload from: the entry file and its sibling files, addressed by
 * POSIX paths relative to the upload root (`pipeline.ts`, `shared/steps.ts`). The compiler never reads
 * anything else, so the same port serves the CLI (a directory), the build function (an S3 object) and tests.
 */
export interface SourceFiles {
  /** The file's text, or undefined when the upload has no such file. */
  read(path: string): Promise<string | undefined>;
}

/** Normalises an upload-relative path; undefined when it would leave the upload root. */
export function uploadPath(path: string): string | undefined {
  const parts: string[] = [];
  for (const part of path.replaceAll("\\", "/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.length > 0 ? parts.join("/") : undefined;
}

/** A file whose real path (symlinks resolved) lies outside the upload root: refused, never read. */
export class OutsideUploadError extends Error {
  constructor(readonly path: string) {
    super(`"${path}" resolves outside the pipeline's folder (through a symbolic link): it is not read`);
    this.name = "OutsideUploadError";
  }
}

const isWithin = (root: string, full: string) => full === root || full.startsWith(root + sep);

/**
 * A directory on disk as the upload root (the CLI). Paths outside the root read as absent; a path inside it
 * whose real path (every symlink resolved) leaves the root's real path throws `OutsideUploadError`, so a
 * link to a credentials file is refused by name rather than read. Links that stay inside keep working.
 */
export function directorySourceFiles(directory: string): SourceFiles {
  // resolve() drops a trailing separator, which would otherwise make every path look outside the root.
  const root = resolve(directory);
  // The root's own real path (it may itself sit behind a link, e.g. /tmp on macOS), resolved once.
  let realRoot: Promise<string> | undefined;
  return {
    async read(path) {
      const inside = uploadPath(path);
      if (inside === undefined || isAbsolute(path) || path.includes("\0")) return undefined;
      const full = normalize(join(root, ...inside.split("/")));
      if (!isWithin(root, full)) return undefined;
      realRoot ??= realpath(root);
      try {
        const real = await realpath(full);
        if (!isWithin(await realRoot, real)) throw new OutsideUploadError(inside);
        // The checked path is the one read: no second symlink resolution between check and read.
        return await readFile(real, "utf8");
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // ELOOP: a symlink cycle is no file of the upload.
        if (code === "ENOENT" || code === "EISDIR" || code === "ENOTDIR" || code === "ELOOP")
          return undefined;
        throw error;
      }
    },
  };
}

/** An in-memory upload (the build function after reading S3, and tests). */
export function memorySourceFiles(files: Record<string, string>): SourceFiles {
  const byPath = new Map(Object.entries(files).map(([path, text]) => [uploadPath(path) ?? path, text]));
  return { read: async (path) => byPath.get(uploadPath(path) ?? path) };
}
