// The build daemon: a process that `skiff build`, `skiff lint` and `skiff run --local` start in the background and
// hand their later builds to, so that those skip Node's start, loading the compiler and starting TypeScript's
// checker (it keeps a warm one). Each build still gets a fresh isolate, as in the CLI and the build function: the
// daemon's own code never runs pipeline code, and nothing of one build reaches the next. It reads the
// pipeline's folder as the CLI would (./protocol.ts keeps the socket to this user), and exits after
// DAEMON_IDLE_MS without a build. Usage: node dist/compiler/daemon/server.js <socket>
import { unlinkSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { compilePipeline } from "../compile";
import { buildFile } from "../file-build";
import { memorySourceFiles } from "../source-files";
import { sharedTypecheckSession } from "../typecheck-session";
import { DAEMON_IDLE_MS, type DaemonReply, type DaemonRequest, readMessage } from "./protocol";

const socketPath = process.argv[2];
if (!socketPath) {
  process.stderr.write("usage: server.js <socket>\n");
  process.exit(2);
}

let building = 0;
let idle: NodeJS.Timeout | undefined;

const server = createServer((socket) => {
  building++;
  clearTimeout(idle);
  serve(socket).finally(() => {
    building--;
    if (building === 0) idle = setTimeout(stop, DAEMON_IDLE_MS);
  });
});

async function serve(socket: Socket): Promise<void> {
  socket.on("error", () => undefined);
  let reply: DaemonReply;
  try {
    reply = await buildFile(await readMessage<DaemonRequest>(socket), true);
  } catch (error) {
    reply = { failure: error instanceof Error ? error.message : String(error) };
  }
  socket.end(`${JSON.stringify(reply)}\n`);
}

// Built once when the daemon starts, before any user's build: it loads the compiler's lazy parts and readies
// TypeScript's session (the lib files and the DSL's declarations parsed), which a first build would wait for.
const WARM_UP = `import { container, dag, param, workflow } from "skiff";
const say = container({ name: "say", image: "alpine", inputs: { msg: param() }, args: ["{{inputs.parameters.msg}}"] });
const main = dag("main", (d) => {
  const a = d.task("a", say, { args: { msg: "a" } });
  d.task("b", say, { args: { msg: "b" } }).after(a);
});
export default workflow({ generateName: "warm-up-", entrypoint: main });
`;

async function warmUp(): Promise<void> {
  const files = memorySourceFiles({ "pipeline.ts": WARM_UP });
  await compilePipeline({ entry: "pipeline.ts", files, typecheck: true, warmTypecheck: true }).catch(
    () => undefined,
  );
}

async function stop(): Promise<void> {
  server.close();
  await sharedTypecheckSession().close();
  process.exit(0);
}

function listen(retried: boolean): void {
  server.once("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EADDRINUSE" || retried) process.exit(1);
    // A socket file is there: another daemon answers on it (this one is not needed), or one that died left it.
    const probe = connect(socketPath);
    probe.on("connect", () => process.exit(0));
    probe.on("error", () => {
      unlinkSync(socketPath);
      listen(true);
    });
  });
  server.listen(socketPath, () => {
    idle = setTimeout(stop, DAEMON_IDLE_MS);
    void warmUp();
  });
}

// Stopped by a signal, it closes like an idle daemon: the socket file goes with it.
process.once("SIGTERM", stop);
process.once("SIGINT", stop);

listen(false);
