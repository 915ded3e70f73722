// What `skiff build` and the build daemon say to each other: one request and one reply per connection, each a
// line of JSON, over a Unix socket that only this user can reach.
import { lstatSync, mkdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FileBuild, FileBuildRequest } from "../file-build";
import { findInstalled } from "../install-paths";

/** Install-relative path of the daemon's program (lib/compiler/daemon/server.main.ts, bundled). */
export const DAEMON_PROGRAM = "dist/compiler/daemon/server.js";

/** A daemon with no build for this long exits. */
export const DAEMON_IDLE_MS = 15 * 60_000;

/** A build the CLI hands over: the same as it would build itself. */
export type DaemonRequest = FileBuildRequest;

export type DaemonReply =
  | FileBuild
  /** The daemon could not build at all (not a bad pipeline: that is a reply with diagnostics). */
  | { failure: string };

/**
 * The socket of the daemon for this installation's build and this Node: in a folder of the temporary
 * directory that this user owns and nobody else can enter (as tmux and ssh-agent keep theirs). The name
 * changes whenever dist/ is rebuilt or reinstalled (the program's inode and change time), so a daemon never
 * serves a build of other code. Undefined where there is no daemon: Windows, the sources run unbuilt (tests),
 * or a folder that is not safely this user's.
 */
export function daemonSocket(): { socket: string; program: string } | undefined {
  if (process.platform === "win32" || import.meta.url.endsWith(".ts")) return undefined;
  const program = findInstalled(DAEMON_PROGRAM);
  if (!program) return undefined;
  const uid = process.getuid?.() ?? 0;
  const dir = join(tmpdir(), `skiff-${uid}`);
  try {
    mkdirSync(dir, { mode: 0o700, recursive: true });
    const folder = lstatSync(dir);
    if (!folder.isDirectory() || folder.uid !== uid || (folder.mode & 0o077) !== 0) return undefined;
    const built = statSync(program);
    const name = `build-${built.dev}-${built.ino}-${Math.trunc(built.ctimeMs)}-${process.version}.sock`;
    const socket = join(dir, name);
    // A Unix socket's path has a length limit (104 bytes on macOS, 108 on Linux).
    return Buffer.byteLength(socket) < 100 ? { socket, program } : undefined;
  } catch {
    return undefined;
  }
}

/** The first line of JSON a socket sends; rejects when it closes before one. */
export function readMessage<T>(stream: NodeJS.ReadableStream): Promise<T> {
  return new Promise((resolve, reject) => {
    let text = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      text += chunk;
      const end = text.indexOf("\n");
      if (end === -1) return;
      try {
        resolve(JSON.parse(text.slice(0, end)) as T);
      } catch (error) {
        reject(error);
      }
    });
    stream.on("error", reject);
    stream.on("end", () => reject(new Error("the connection closed before a message")));
  });
}
