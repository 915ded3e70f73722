import { type ChildProcess, spawn } from "node:child_process";

/**
 * The watchdog's whole program. It holds the read end of a pipe whose write end only the parent owns; the
 * kernel closes that pipe however the parent ends (even SIGKILL), and then the watchdog kills the guarded
 * process. Node has no prctl(PR_SET_PDEATHSIG), and the JVM does not watch its parent, hence this.
 */
const WATCHDOG_SOURCE = `
const pid = Number(process.argv[1]);
const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
process.stdin.on("data", () => {});
process.stdin.on("close", () => {
  try { process.kill(pid, "SIGTERM"); } catch {}
  const started = Date.now();
  const timer = setInterval(() => {
    if (!alive()) process.exit(0);
    if (Date.now() - started > 5000) { try { process.kill(pid, "SIGKILL"); } catch {} process.exit(0); }
  }, 50);
});
`;

/** Guards a child process so it cannot outlive this one. `disarm()` once the child has exited. */
export interface Reaper {
  disarm(): void;
}

export function guardChild(child: ChildProcess): Reaper {
  if (child.pid === undefined) return { disarm() {} };
  const watchdog = spawn(process.execPath, ["-e", WATCHDOG_SOURCE, String(child.pid)], {
    // Its own process group, so that a Ctrl-C aimed at the terminal's group does not take it down first.
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
  });
  watchdog.unref();
  // The pipe must not keep this process alive, and must not be written to after the watchdog is gone.
  const stdin = watchdog.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null;
  stdin?.unref?.();
  watchdog.stdin?.on("error", () => {});
  let disarmed = false;
  const disarm = () => {
    if (disarmed) return;
    disarmed = true;
    // SIGKILL, not a closed pipe: closing would make it kill a pid that may have been reused.
    watchdog.kill("SIGKILL");
  };
  child.once("exit", disarm);
  return { disarm };
}
