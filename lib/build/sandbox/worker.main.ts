// The sandbox worker: a child process started by the build with an empty environment, a heap limit and
// (where Node supports it) the permission model. It evaluates bundled pipelines in a fresh vm context
// each — no `require`, `process`, timers, fs or network inside — and answers with JSON text only.
// Kept small on purpose: `node:vm` and the YAML writer, bundled in (it has no file access). Requests come
// as frames on stdin, answers go as frames on stdout (./frames.ts), read and written synchronously: the
// worker does one thing at a time, and waits in `read` when it has nothing to do.
import { readSync, writeSync } from "node:fs";
import vm from "node:vm";
import { toYaml } from "../yaml";
import { encodeFrame, FrameReader } from "./frames";
import type {
  CodeCacheRequest,
  CodeCacheResponse,
  EvaluateRequest,
  EvaluateResponse,
  EvaluationError,
  PreloadRequest,
  ReadyMessage,
  YamlResponse,
} from "./protocol";

type Request = EvaluateRequest | PreloadRequest | CodeCacheRequest;

// This program's own compiled script, a parameter of the function the bootstrap (./worker-process.ts) makes
// of it; undefined when it runs otherwise.
declare const __skiffWorkerScript: vm.Script | undefined;
const programScript = typeof __skiffWorkerScript === "undefined" ? undefined : __skiffWorkerScript;

function send(message: EvaluateResponse | YamlResponse | ReadyMessage | CodeCacheResponse): void {
  const frame = encodeFrame(message);
  for (let at = 0; at < frame.length; ) at += writeSync(1, frame, at);
}

const reader = new FrameReader();
const received: unknown[] = [];
const chunk = Buffer.allocUnsafe(1 << 16);

/** The next request, waiting for it; undefined once the build's end of the pipe is closed. */
function nextRequest(): Request | undefined {
  while (received.length === 0) {
    const read = readSync(0, chunk, 0, chunk.length, null);
    if (read === 0) return undefined;
    received.push(...reader.push(Buffer.from(chunk.subarray(0, read))));
  }
  return received.shift() as Request;
}

function hostError(error: unknown, fallbackCode: string, timeoutMs: number): EvaluationError {
  // Errors from inside the context are read with plain property reads; a getter that loops is stopped by
  // the parent's wall-time limit (it kills this process).
  const e = error as { code?: unknown; name?: unknown; message?: unknown; stack?: unknown } | null;
  if (e !== null && typeof e === "object") {
    if (e.code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
      const message = `the pipeline did not finish evaluating within ${timeoutMs} ms`;
      return { code: "sandbox.timeout", name: "Error", message };
    }
    return {
      code: fallbackCode,
      name: String(e.name ?? "Error"),
      message: String(e.message ?? e),
      ...(typeof e.stack === "string" ? { stack: e.stack } : {}),
    };
  }
  return { code: fallbackCode, name: "Error", message: `threw a non-error value: ${String(error)}` };
}

// The DSL's name in stack frames: under lib/dsl/, so the DSL's call-site lookup skips its own frames.
const DSL_FILENAME = "skiff/lib/dsl/bundle.js";
// Compiled DSL versions (immutable code; a process sees one or two). The parent sends each one's code
// once per worker, so none is ever dropped.
const dslScripts = new Map<string, vm.Script>();

function dslScript(dsl: NonNullable<EvaluateRequest["dsl"]>): vm.Script {
  let script = dslScripts.get(dsl.key);
  if (!script) {
    if (dsl.code === undefined) throw new Error(`the sandbox has no DSL ${dsl.key}`);
    // With V8's code cache when the parent sent one: V8 checks it (and compiles anew if it rejects it).
    script = new vm.Script(dsl.code, { filename: DSL_FILENAME, cachedData: dsl.cache });
    dslScripts.set(dsl.key, script);
  }
  return script;
}

function newContext(): vm.Context {
  // A null-prototype sandbox object: the context's globals are its own, so `this.constructor.constructor`
  // reaches the context's Function, never the host's.
  return vm.createContext(Object.create(null), {
    name: "skiff-pipeline",
    codeGeneration: { strings: true, wasm: false },
    microtaskMode: "afterEvaluate",
  });
}

// A never-used context with the DSL already evaluated, made while the worker is idle (at boot, and after
// each answer). It is handed to exactly one build and then dropped: no build sees another's context, so
// this saves the set-up time without sharing any state.
let prepared: { key: string; context: vm.Context } | undefined;

function prepare(key: string): void {
  prepared = undefined;
  const script = dslScripts.get(key);
  if (!script) return;
  try {
    const context = newContext();
    script.runInContext(context);
    prepared = { key, context };
  } catch {
    // The build that needs it evaluates the DSL itself and reports what went wrong.
  }
}

function contextFor(request: EvaluateRequest): vm.Context {
  if (request.dsl && prepared?.key === request.dsl.key) {
    const { context } = prepared;
    prepared = undefined;
    return context;
  }
  const context = newContext();
  if (request.dsl) dslScript(request.dsl).runInContext(context, { timeout: request.timeoutMs });
  return context;
}

function evaluate(request: EvaluateRequest): EvaluateResponse {
  const started = Date.now();
  const rejectImport = () => Promise.reject(new Error("dynamic import() is not available to pipelines"));
  try {
    const context = contextFor(request);
    const script = new vm.Script(request.code, {
      filename: request.filename,
      importModuleDynamically: rejectImport as never,
    });
    script.runInContext(context, { timeout: request.timeoutMs, breakOnSigint: false });
    const remaining = Math.max(1, request.timeoutMs - (Date.now() - started));
    // Only strings and booleans cross into the context, as literals: never a host object.
    const call = `__skiffBundle.evaluate(${JSON.stringify(request.parametersJson)}, ${request.callSites === true})`;
    const result: unknown = vm.runInContext(call, context, { timeout: remaining, filename: "skiff-sandbox" });
    if (typeof result !== "string") {
      return {
        id: request.id,
        ok: false,
        error: {
          code: "sandbox.output",
          name: "Error",
          message: "the pipeline bundle produced no JSON output",
        },
      };
    }
    return { id: request.id, ok: true, resultJson: result };
  } catch (error) {
    return { id: request.id, ok: false, error: hostError(error, "pipeline.throw", request.timeoutMs) };
  }
}

function renderYaml(id: number, resultJson: string): YamlResponse {
  try {
    const result: unknown = JSON.parse(resultJson);
    const manifest = (result as { ok?: unknown; manifest?: unknown } | null)?.manifest;
    if ((result as { ok?: unknown }).ok !== true || manifest === null || typeof manifest !== "object") {
      return { id };
    }
    return { id, yaml: toYaml(manifest) };
  } catch {
    return { id }; // the parent renders it, or reports what is wrong with the answer
  }
}

/** V8's code caches of this program and of the DSL versions compiled, with what has run so far. */
function codeCaches(id: number): CodeCacheResponse {
  const dsl = [...dslScripts].map(([key, script]) => ({ key, cache: script.createCachedData() }));
  return { id, ...(programScript ? { worker: programScript.createCachedData() } : {}), dsl };
}

function handle(message: Request): void {
  if ("codeCache" in message) {
    send(codeCaches(message.id));
    return;
  }
  if ("preload" in message) {
    try {
      dslScript(message.preload);
    } catch {
      return; // reported by the first build that needs this DSL
    }
    prepare(message.preload.key);
    return;
  }
  const answer = evaluate(message);
  send(answer);
  // While the parent lints: the YAML, from the JSON text just sent (parsed here, outside the context).
  if (message.yaml === true && answer.ok) send(renderYaml(message.id, answer.resultJson));
  // The next build's context, made after answering so that it costs this build nothing.
  if (message.dsl?.key !== undefined) prepare(message.dsl.key);
}

send({ ready: true });
for (let message = nextRequest(); message !== undefined; message = nextRequest()) handle(message);
