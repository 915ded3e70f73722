import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { delimiter, isAbsolute, join } from "node:path";

/**
 * Why Argo's executor could not find a step's command: the error of Go's exec.LookPath (which the emissary calls
 * before starting the main process) against the step's PATH, or undefined when it finds one; `shown` is the
 * command as the template wrote it (the host path may be mapped). Asked only after a start failed, so the common
 * path pays for no search.
 */
export async function lookPathError(
  file: string,
  path: string,
  cwd: string,
  shown = file,
): Promise<string | undefined> {
  if (file.includes("/")) {
    const reason = await notExecutable(isAbsolute(file) ? file : join(cwd, file), shown);
    return reason === undefined ? undefined : `exec: ${JSON.stringify(shown)}: ${reason}`;
  }
  for (const dir of path.split(delimiter)) {
    const candidate = join(dir === "" ? cwd : isAbsolute(dir) ? dir : join(cwd, dir), file);
    if ((await notExecutable(candidate, candidate)) === undefined) return undefined;
  }
  return `exec: ${JSON.stringify(shown)}: executable file not found in $PATH`;
}

/** Go's findExecutable: the reason a file cannot be executed, worded as Go's errors are. */
async function notExecutable(file: string, shown: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) return "is a directory";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return `stat ${shown}: ${code === "ENOTDIR" ? "not a directory" : code === "EACCES" ? "permission denied" : "no such file or directory"}`;
  }
  try {
    await access(file, constants.X_OK);
    return undefined;
  } catch {
    return "permission denied";
  }
}
