import type { ChildProcess } from "node:child_process";

/** Whether a process with this pid exists (signal 0 checks without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `read()` (the child's output so far) contains `text`; rejects with that output if the child exits first. */
export function waitForOutput(
  child: ChildProcess,
  read: () => string,
  text: string,
  pollMs = 100,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (read().includes(text)) {
        clearInterval(check);
        resolve();
      }
    }, pollMs);
    child.once("exit", (code) => {
      clearInterval(check);
      reject(new Error(`${child.spawnargs.join(" ")} exited with ${code}:\n${read()}`));
    });
  });
}
