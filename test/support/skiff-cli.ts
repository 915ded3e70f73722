import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const cli = fileURLToPath(new URL("../../bin/skiff.js", import.meta.url));

/** The real `skiff` command (bin/skiff.js) as a process; a non-zero exit is a result, not an error. */
export function runSkiff(
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number },
): Promise<CliResult> {
  return promisify(execFile)(process.execPath, [cli, ...args], {
    env: options.env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    timeout: options.timeoutMs ?? 60_000,
  }).then(
    (out) => ({ code: 0, stdout: out.stdout, stderr: out.stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: error.code ?? -1,
      stdout: error.stdout ?? "",
      stderr: error.stderr ?? "",
    }),
  );
}
