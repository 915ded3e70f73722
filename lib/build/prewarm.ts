// What a build waits on, started ahead: the sandbox worker (a second Node process, handed the DSL) and
// esbuild's service process. A command calls this first, so that both boot while it loads the compiler.
import { startEsbuild } from "./esbuild-service";
import { prewarmSharedSandbox } from "./sandbox/shared";

/** Starts the shared sandbox's worker and esbuild's service; idempotent, errors surface in the build. */
export function prewarmCompiler(): void {
  prewarmSharedSandbox();
  startEsbuild();
}
