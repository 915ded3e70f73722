// `skiff build` and `skiff lint` alone (bundled as CommonJS to dist/build/cli.cjs, where bin/skiff.js sends
// these two commands): the compiler's commands without the rest of the CLI's modules. Same flags, output
// and exit codes as the whole program's `build` / `lint`. No top-level await: it runs as CommonJS too.
// Static, not imported on demand: the worker's spawn is the first thing this process does (its start-up
// is the longest step of a build), and the prewarm modules are small.
import { prewarmCompiler } from "./prewarm";

// The sandbox worker (a second Node process) and esbuild's service start first, while this process loads
// commander and the compiler; the command starts them anyway, so a wrong guess costs only idle processes.
const [command, ...rest] = process.argv.slice(2);
const compiles = command === "build" || (command === "lint" && rest.some((arg) => /\.m?ts$/.test(arg)));
if (compiles && !rest.some((arg) => arg === "-h" || arg === "--help")) prewarmCompiler(pipelineArg(rest));

/** The pipeline file of `build <pipeline>` or `lint <file.ts>`: the first argument no option takes. */
function pipelineArg(args: string[]): string | undefined {
  const takesValue = new Set(["-o", "--output", "-p", "--param", "--format"]);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (takesValue.has(arg)) i++;
    else if (!arg.startsWith("-")) return arg;
  }
  return undefined;
}

void import("./cli-program").then(({ runCompilerProgram }) => runCompilerProgram(process.argv));
