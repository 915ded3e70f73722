// The warm type checker's thread (lib/compiler/typecheck-session.ts starts it): one TypeScript 7 API session,
// used synchronously here so that its file-system callbacks answer without a round trip through the main
// thread's event loop, while the main thread stays free to time a check out. Self-contained (no relative
// imports): it runs from dist/compiler/typecheck-worker.js, or from this source under Node's type stripping.
import { parentPort } from "node:worker_threads";
import { API } from "typescript/unstable/sync";

/** One check: `files` (absolute paths under `root` → text), its tsconfig.json (`config`) among them. */
export interface CheckRequest {
  root: string;
  config: string;
  files: [string, string][];
}

export interface RawDiagnostic {
  fileName?: string;
  pos: number;
  code: number;
  message: string;
}

export type WorkerMessage =
  | { kind: "started"; pid: number | undefined }
  | { kind: "checked"; diagnostics: RawDiagnostic[] }
  | { kind: "failed"; error: string };

interface ApiDiagnostic {
  fileName?: string | undefined;
  pos: number;
  code: number;
  category: number;
  text: string;
  messageChain?: readonly ApiDiagnostic[] | undefined;
}

const port = parentPort;
if (!port) throw new Error("typecheck-worker runs as a worker thread");

let api: API | undefined;
let root = "";
// The check in progress: the only upload files that exist for the compiler.
let current = new Map<string, string>();
let previous: { config: string; files: string[] } | undefined;

const inRoot = (path: string) => path === root || path.startsWith(`${root}/`);
// Virtual paths answer from `current` alone (an earlier upload's files do not exist); others fall through
// to the disk (undefined): the lib files and the DSL's declarations.
const fileSystem = {
  readFile: (path: string) => (inRoot(path) ? (current.get(path) ?? null) : undefined),
  fileExists: (path: string) => (inRoot(path) ? current.has(path) : undefined),
  directoryExists: (path: string) =>
    inRoot(path)
      ? path === root || [...current.keys()].some((file) => file.startsWith(`${path}/`))
      : undefined,
  getAccessibleEntries: (path: string) => {
    if (!inRoot(path)) return undefined;
    const files: string[] = [];
    const directories = new Set<string>();
    for (const file of current.keys()) {
      if (!file.startsWith(`${path}/`)) continue;
      const rest = file.slice(path.length + 1);
      const slash = rest.indexOf("/");
      if (slash < 0) files.push(rest);
      else directories.add(rest.slice(0, slash));
    }
    return { files, directories: [...directories] };
  },
  realpath: (path: string) => (inRoot(path) ? path : undefined),
};

function startSession(): API {
  const session = new API({ fs: fileSystem });
  // The child's pid lets the main thread kill a check that overruns its time limit; the API keeps it private.
  const channel = (session as unknown as { client?: { channel?: { child?: { pid?: number } } } }).client
    ?.channel;
  port?.postMessage({ kind: "started", pid: channel?.child?.pid } satisfies WorkerMessage);
  return session;
}

function check(request: CheckRequest): RawDiagnostic[] {
  root = request.root;
  current = new Map(request.files);
  api ??= startSession();
  // The earlier upload's project closes and its files are gone from the snapshot, not only from `current`.
  const snapshot = api.updateSnapshot({
    openProjects: [request.config],
    ...(previous
      ? { closeProjects: [previous.config], fileChanges: { deleted: [previous.config, ...previous.files] } }
      : {}),
  });
  previous = { config: request.config, files: [...current.keys()] };
  try {
    const project = snapshot.getProject(request.config);
    if (!project) throw new Error(`the API did not open ${request.config}`);
    const { program } = project;
    // As `tsc` reports: the semantic pass only for a program that parsed cleanly.
    const all: ApiDiagnostic[] = [...program.getConfigFileParsingDiagnostics()];
    const configErrors = all.length;
    all.push(...program.getSyntacticDiagnostics());
    if (all.length === configErrors) {
      all.push(...program.getProgramDiagnostics(), ...program.getGlobalDiagnostics());
      if (all.length === configErrors) all.push(...program.getSemanticDiagnostics());
    }
    // Errors only (category 1), as `tsc` prints them: `file(line,col): error TS…`.
    return all
      .filter((diagnostic) => diagnostic.category === 1)
      .map((diagnostic) => ({
        ...(diagnostic.fileName === undefined ? {} : { fileName: diagnostic.fileName }),
        pos: diagnostic.pos,
        code: diagnostic.code,
        message: flatten(diagnostic, 0),
      }));
  } finally {
    snapshot.dispose();
  }
}

/** A message and its chain of reasons, each level indented two more spaces (as `tsc --pretty false`). */
function flatten(diagnostic: ApiDiagnostic, depth: number): string {
  const own = depth === 0 ? diagnostic.text : `\n${"  ".repeat(depth)}${diagnostic.text}`;
  return own + (diagnostic.messageChain ?? []).map((next) => flatten(next, depth + 1)).join("");
}

port.on("message", (request: CheckRequest) => {
  let reply: WorkerMessage;
  try {
    reply = { kind: "checked", diagnostics: check(request) };
  } catch (error) {
    // A session that failed once is not trusted again: the next check starts a new one.
    try {
      api?.close();
    } catch {}
    api = undefined;
    previous = undefined;
    reply = { kind: "failed", error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
