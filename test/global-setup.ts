import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

// The CLI, the sandbox worker and the local stack run from dist/; build it once so that
// process-level tests exercise the current sources.
export default function setup(): void {
  const root = fileURLToPath(new URL("..", import.meta.url));
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: "inherit" });
}
