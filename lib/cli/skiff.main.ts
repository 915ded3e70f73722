// `skiff`: `build` and `lint` start without loading the other commands' modules (zod, the AWS SDK, the
// Kubernetes client): the compiler-only program (lib/build/cli.main.ts) registers the very same commands.
// Every other command, and `--version` (a whole-program option), goes through the whole program.
export {};

const [command, ...rest] = process.argv.slice(2);
const buildOnly =
  (command === "build" || command === "lint") && !rest.some((arg) => arg === "-V" || arg === "--version");
if (buildOnly) await import("../build/cli.main");
else await import("./program");
