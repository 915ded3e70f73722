// `skiff build`'s side of the build daemon (./server.main.ts): hand the build to it when it runs, else say
// so, and start one for the next build.
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { dirname } from "node:path";
import { type DaemonReply, type DaemonRequest, daemonSocket, readMessage } from "./protocol";

/** What asking the daemon gave: its reply, or that the caller must build itself (and may start one). */
export type DaemonAnswer =
  | { kind: "reply"; reply: Exclude<DaemonReply, { failure: string }> }
  | { kind: "none"; start?: () => void };

// Longest a build may take in the daemon before the CLI gives up on it and builds itself: above the
// sandbox's and the type check's own limits, which end a build with a diagnostic.
const REPLY_TIMEOUT_MS = 5 * 60_000;

/**
 * The daemon's build of `request`. `none` when there is no daemon for this installation (its `start` then
 * launches one, detached, for later builds), when it could not build, or when it went away mid-build: the
 * caller then builds in its own process, so a daemon can only make a build faster, never fail it.
 */
export async function buildInDaemon(request: DaemonRequest): Promise<DaemonAnswer> {
  const where = daemonSocket();
  if (!where) return { kind: "none" };
  const socket = connect(where.socket);
  socket.setTimeout(REPLY_TIMEOUT_MS, () => socket.destroy(new Error("the build daemon did not answer")));
  const connected = await new Promise<boolean>((resolve) => {
    socket.once("connect", () => resolve(true));
    socket.once("error", () => resolve(false));
  });
  if (!connected) return { kind: "none", start: () => startDaemon(where.program, where.socket) };
  try {
    const replied = readMessage<DaemonReply>(socket);
    socket.write(`${JSON.stringify(request)}\n`);
    const reply = await replied;
    return "failure" in reply ? { kind: "none" } : { kind: "reply", reply };
  } catch {
    return { kind: "none" };
  } finally {
    socket.destroy();
  }
}

/** Launches the daemon for later builds, detached: this process exits without waiting for it. */
function startDaemon(program: string, socket: string): void {
  try {
    const child = spawn(process.execPath, [program, socket], {
      detached: true,
      stdio: "ignore",
      // Out of the user's folders: a daemon must not keep one of them in use.
      cwd: dirname(program),
    });
    child.on("error", () => undefined);
    child.unref();
  } catch {
    // No daemon: the next build runs in its own process again.
  }
}
