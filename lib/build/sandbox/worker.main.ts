// The sandbox worker: a child process started by the build with an empty environment, a heap limit and
// (where Node supports it) the permission model. It evaluates bundled pipelines in a fresh vm context
// each — no `require`, `process`, timers, fs or network inside — with the DSL's code in a sealed realm it
// lends to every build (./seal.ts), and answers with JSON text only.
// Kept small on purpose: `node:vm` and the YAML writer, bundled in (it has no file access). Requests come
// as frames on stdin, answers go as frames on stdout (./frames.ts), read and written synchronously: the
// worker does one thing at a time, and waits in `read` when it has nothing to do.
import { readSync, writeSync } from "node:fs";
import vm from "node:vm";
import { toYaml } from "../yaml";
import { encodeFrame, FrameReader } from "./frames";
import { HARNESS_GLOBAL, PIPELINE_GLOBAL } from "./harness";
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

/** A DSL version as a request names it: its code comes only the first time a worker sees its key. */
type DslSource = NonNullable<EvaluateRequest["dsl"]>;

function dslScript(dsl: DslSource): vm.Script {
  let script = dslScripts.get(dsl.key);
  if (!script) {
    if (dsl.code === undefined) throw new Error(`the sandbox has no DSL ${dsl.key}`);
    // With V8's code cache when the parent sent one: V8 checks it (and compiles anew if it rejects it).
    script = new vm.Script(dsl.code, { filename: DSL_FILENAME, cachedData: dsl.cache });
    dslScripts.set(dsl.key, script);
  }
  return script;
}

const NO_LATER_CALLBACKS = new vm.Script(
  "delete globalThis.WeakRef; delete globalThis.FinalizationRegistry;",
);

function newContext(): vm.Context {
  // A null-prototype sandbox object: the context's globals are its own, so `this.constructor.constructor`
  // reaches the context's Function, never the host's.
  const context = vm.createContext(Object.create(null), {
    name: "skiff-pipeline",
    codeGeneration: { strings: true, wasm: false },
    microtaskMode: "afterEvaluate",
  });
  // A finalization callback is the one way code could run after its build: gone from every context, the
  // DSL's realm included.
  NO_LATER_CALLBACKS.runInContext(context);
  return context;
}

/** The harness of a DSL realm (./harness.ts), before and after `seal()` (./seal.ts). */
interface RealmHarness {
  /** Hands over the pipeline module of the build about to be evaluated. */
  bind(pipeline: unknown): void;
  /** Seals the realm and returns the harness that replaces this one (an unsealed harness only). */
  seal?(): RealmHarness;
  /** False once anything shared in the realm was changed (a sealed harness only). */
  intact?(): boolean;
}

interface Realm {
  context: vm.Context;
  harness: RealmHarness;
  /** Lent to every build until a build changes it; else it serves one build and is dropped. */
  sealed: boolean;
  uses: number;
}

/**
 * One realm per DSL version with the DSL evaluated, lent to every build once sealed (./seal.ts): the DSL's
 * code stays compiled and keeps its type feedback across builds, while each pipeline runs in a fresh
 * context of its own. A realm a build changed, or whose evaluation did not end normally, is dropped before
 * the next build. Sealing costs a cold process ~10-15 ms, so the first realm is not sealed: it serves the
 * first build only (a CLI build needs no more), and the sealed one is made after that build's answer.
 */
const realms = new Map<string, Realm>();

function realmFor(dsl: DslSource, seal: boolean, timeoutMs?: number) {
  let realm = realms.get(dsl.key);
  if (!realm) {
    const context = newContext();
    dslScript(dsl).runInContext(context, timeoutMs === undefined ? {} : { timeout: timeoutMs });
    let harness = vm.runInContext(`globalThis.${HARNESS_GLOBAL}`, context) as RealmHarness;
    if (typeof harness?.bind !== "function" || typeof harness.seal !== "function") {
      throw new Error(`the DSL ${dsl.key} defines no build harness that can be sealed`);
    }
    // Before any build ran in it: nothing but the DSL's own code runs here.
    if (seal) harness = harness.seal();
    realm = { context, harness, sealed: seal, uses: 0 };
    realms.set(dsl.key, realm);
  }
  return realm;
}

/**
 * After a build: drops its realm if it was not sealed, or if the build changed it, and makes a sealed one
 * while the worker is idle.
 */
function renewRealm(key: string): void {
  const realm = realms.get(key);
  let keep = false;
  try {
    keep = realm?.sealed === true && realm.harness.intact?.() === true;
  } catch {
    // treated as changed
  }
  if (!keep) realms.delete(key);
  if (!realms.has(key) && dslScripts.has(key)) {
    try {
      realmFor({ key }, true);
    } catch {
      // The build that needs it evaluates the DSL itself and reports what went wrong.
    }
  }
}

// The next build's pipeline context, made while the worker is idle (at boot, and after each answer). It is
// handed to exactly one build and then dropped.
let prepared: vm.Context | undefined;

function pipelineContext(): vm.Context {
  const context = prepared ?? newContext();
  prepared = undefined;
  return context;
}

const READ_PIPELINE = new vm.Script(`globalThis.${PIPELINE_GLOBAL}`);

function evaluate(request: EvaluateRequest): EvaluateResponse {
  const started = Date.now();
  const remaining = () => Math.max(1, request.timeoutMs - (Date.now() - started));
  const rejectImport = () => Promise.reject(new Error("dynamic import() is not available to pipelines"));
  const { dsl } = request;
  try {
    const realm = dsl ? realmFor(dsl, false, request.timeoutMs) : undefined;
    const context = pipelineContext();
    const script = new vm.Script(request.code, {
      filename: request.filename,
      importModuleDynamically: rejectImport as never,
    });
    script.runInContext(context, { timeout: remaining(), breakOnSigint: false });
    // Only strings and booleans cross into a context, as literals: never a host object. The one object
    // handed across is the pipeline module, from its own context to the DSL's harness.
    const args = `${JSON.stringify(request.parametersJson)}, ${request.callSites === true}`;
    let result: unknown;
    if (realm) {
      realm.uses++;
      realm.harness.bind(READ_PIPELINE.runInContext(context, { timeout: remaining() }));
      const call = `${HARNESS_GLOBAL}.evaluateBound(${args})`;
      result = vm.runInContext(call, realm.context, { timeout: remaining(), filename: "skiff-sandbox" });
    } else {
      const call = `${HARNESS_GLOBAL}.evaluate(${args})`;
      result = vm.runInContext(call, context, { timeout: remaining(), filename: "skiff-sandbox" });
    }
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
    return { id: request.id, ok: true, resultJson: result, ...(realm ? { realmUses: realm.uses } : {}) };
  } catch (error) {
    // The harness answers for everything user code throws: what reaches here stopped the realm mid-way (a
    // timeout may leave jobs queued in it), so it is not lent again.
    if (dsl) realms.delete(dsl.key);
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
      realmFor(message.preload, false);
    } catch {
      // reported by the first build that needs this DSL
    }
    prepared ??= newContext();
    return;
  }
  const answer = evaluate(message);
  send(answer);
  // While the parent lints: the YAML, from the JSON text just sent (parsed here, outside the context).
  if (message.yaml === true && answer.ok) send(renderYaml(message.id, answer.resultJson));
  // Made after answering, so that they cost this build nothing: the check of the DSL's realm (and a new
  // one if the build changed it), and the next build's context.
  if (message.dsl?.key !== undefined) renewRealm(message.dsl.key);
  prepared = newContext();
}

send({ ready: true });
for (let message = nextRequest(); message !== undefined; message = nextRequest()) handle(message);
