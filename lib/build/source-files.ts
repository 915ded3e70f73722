import { readFile } from "node:fs/promises";
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

/** A directory on disk as the upload root (the CLI). Paths outside the root read as absent. */
export function directorySourceFiles(directory: string): SourceFiles {
  // resolve() drops a trailing separator, which would otherwise make every path look outside the root.
  const root = resolve(directory);
  return {
    async read(path) {
      const inside = uploadPath(path);
      if (inside === undefined || isAbsolute(path)) return undefined;
      const full = normalize(join(root, ...inside.split("/")));
      if (!full.startsWith(root + sep) && full !== root) return undefined;
      try {
        return await readFile(full, "utf8");
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "EISDIR" || code === "ENOTDIR") return undefined;
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
