// What a build waits on, started ahead: the sandbox worker (a second Node process, handed the DSL) and,
// unless the pipeline takes the in-process fast path, esbuild's service process. A command calls this
// first, so that both boot while it loads the compiler.
import { readFileSync } from "node:fs";
import { fastPathLanguage } from "./bundle";
import { startEsbuild } from "./esbuild-service";
import { prewarmSharedSandbox } from "./sandbox/shared";

/**
 * Starts the shared sandbox's worker and, unless `entryFile` (the pipeline on disk, when known) is one
 * file importing only `skiff`, esbuild's service; idempotent, errors surface in the build. A wrong guess
 * costs only time: esbuild starts on first use anyway.
 */
export function prewarmCompiler(entryFile?: string): void {
  prewarmSharedSandbox();
  if (entryFile === undefined || !transpiledInProcess(entryFile)) startEsbuild();
}

function transpiledInProcess(file: string): boolean {
  try {
    return fastPathLanguage(file, readFileSync(file, "utf8")) !== undefined;
  } catch {
    return false; // unreadable here: the build reports it
  }
}
