// Where pipeline code runs. The compiler depends only on the `Sandbox` interface; `IsolateSandbox` is the
// one strategy: a fresh V8 isolate (isolated-vm) per build, created empty — no Node API, no network, no
// file, no timer, nothing of the host — and disposed after the build, so nothing one build does can
// reach the next. Only strings cross: the scripts and the build parameters' JSON in, one JSON string out.
import { createRequire } from "node:module";
import type ivm from "isolated-vm";
import type { DslBundle } from "../dsl-bundle";
import { HARNESS_GLOBAL } from "./harness";

/** What user code threw, or what stopped the evaluation, as plain data. */
export interface EvaluationError {
  code: string;
  name: string;
  message: string;
  stack?: string;
  site?: { file: string; line: number; column: number };
}

export interface SandboxLimits {
  /**
   * Wall-time budget of one evaluation (the DSL, then the pipeline's top level and its default export, a
   * budget each: the clock does not run while the pipeline's code is on its way), in ms.
   * Default 30000: generous, as a heavily loaded 2-core machine took seconds for a 2,000-task pipeline.
   */
  timeoutMs?: number;
  /** Memory of the build's isolate (its heap and the ArrayBuffers it allocates), in MB. Default 256. */
  heapMb?: number;
  /** Characters of the spec's JSON a pipeline may produce. Default 16 Mi (Argo's own limit is far lower). */
  outputChars?: number;
}

export const DEFAULT_LIMITS: Required<SandboxLimits> = {
  timeoutMs: 30_000,
  heapMb: 256,
  outputChars: 16 * 1024 * 1024,
};

/** One evaluation: the pipeline's bundle after the DSL's script. */
export interface EvaluationRequest {
  /**
   * The bundled pipeline, which assigns its module to `__skiffPipeline`; or the promise of it while it
   * bundles, and the sandbox readies itself meanwhile (an isolate with the DSL's script run). A promise
   * that settles with undefined (nothing to evaluate) ends the evaluation unused.
   */
  code: string | Promise<string | undefined>;
  /** The name V8 gives the bundle in stack frames; source-map lookups key on it. */
  filename: string;
  /** Build parameters as JSON text. */
  parametersJson: string;
  /** The isolate's script: the prelude, the DSL and the harness that runs the pipeline. */
  dsl: DslBundle;
  /** Record the call sites of the spec's parts too. Default: false (a clean build needs none). */
  callSites?: boolean;
}

/** What an evaluation gave: the harness's JSON text, or what stopped it. */
export type EvaluationOutcome = { ok: true; resultJson: string } | { ok: false; error: EvaluationError };

/**
 * Evaluates pipelines. An implementation must keep every build apart from the host and from every other
 * build, enforce its limits, and answer — never throw — for anything the pipeline does.
 */
export interface Sandbox {
  evaluate(request: EvaluationRequest): Promise<EvaluationOutcome>;
}

// The DSL's name in stack frames: under lib/dsl/, so the DSL's call-site lookup skips its own frames.
const DSL_FILENAME = "skiff/lib/dsl/bundle.js";

/**
 * V8's code cache of each version of the isolate's script seen in this process, keyed by the script's text
 * (a Map hashes a string once; a cryptographic hash cost a one-shot build ~6 ms of OpenSSL's start): bytes
 * V8 made from that trusted source alone, before any pipeline ran, and checks before use. It spares each
 * new isolate compiling the script's top level.
 */
const scriptCaches = new Map<string, ivm.ExternalCopy<ArrayBuffer>>();

let addon: typeof ivm | undefined;
/**
 * isolated-vm, a native addon, loads with the first evaluation rather than with the compiler: the build's
 * type check and bundler start their processes first.
 */
const isolatedVm = () => {
  addon ??= createRequire(import.meta.url)("isolated-vm") as typeof ivm;
  return addon;
};

/** A fresh isolate for every build (see the top of this file). */
export class IsolateSandbox implements Sandbox {
  private readonly limits: Required<SandboxLimits>;

  constructor(limits: SandboxLimits = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  async evaluate(request: EvaluationRequest): Promise<EvaluationOutcome> {
    const { timeoutMs, heapMb, outputChars } = this.limits;
    let started = Date.now();
    const remaining = () => Math.max(1, timeoutMs - (Date.now() - started));
    const isolate = new (isolatedVm().Isolate)({ memoryLimit: heapMb });
    try {
      const context = await isolate.createContext();
      const dsl = await this.compileIsolateScript(isolate, request.dsl);
      await dsl.run(context, { timeout: remaining() });
      const code = await request.code;
      if (code === undefined) return failure("sandbox.unused", "there was no pipeline code to evaluate");
      started = Date.now();
      // Only literals cross into the isolate: JSON text and numbers, never a host object.
      const limits = JSON.stringify({ outputChars, memoryMb: heapMb });
      const args = [JSON.stringify(request.parametersJson), request.callSites === true, limits];
      // The bundle (which only defines the pipeline's module) and the harness's call go to the isolate's
      // thread together, to run there one after the other: no round trip through this thread between them,
      // which may be busy meanwhile (loading the linter).
      const loaded = context.eval(code, { filename: request.filename, timeout: remaining() });
      const called = context.eval(`${HARNESS_GLOBAL}.evaluate(${args.join(", ")})`, {
        filename: "skiff-sandbox",
        timeout: remaining(),
        copy: true,
      });
      called.catch(() => undefined);
      await loaded;
      const result: unknown = await called;
      if (typeof result !== "string")
        return failure("sandbox.output", "the pipeline produced no JSON output");
      return { ok: true, resultJson: result };
    } catch (error) {
      return { ok: false, error: this.stopped(error, isolate) };
    } finally {
      if (!isolate.isDisposed) isolate.dispose();
    }
  }

  private async compileIsolateScript(isolate: ivm.Isolate, dsl: DslBundle): Promise<ivm.Script> {
    const cachedData = scriptCaches.get(dsl.code);
    // isolated-vm sets the cache it made, or whether V8 rejected the one given, on the script.
    const script = (await isolate.compileScript(dsl.code, {
      filename: DSL_FILENAME,
      ...(cachedData ? { cachedData } : { produceCachedData: true }),
    })) as ivm.Script & ivm.CachedDataResult & { cachedDataRejected?: boolean };
    if (!cachedData && script.cachedData) scriptCaches.set(dsl.code, script.cachedData);
    if (cachedData && script.cachedDataRejected) scriptCaches.delete(dsl.code);
    return script;
  }

  /** What stopped an evaluation the harness did not answer for: a limit, or an error outside user code. */
  private stopped(error: unknown, isolate: ivm.Isolate): EvaluationError {
    const message = error instanceof Error ? error.message : String(error);
    const { timeoutMs, heapMb } = this.limits;
    if (/memory limit|Array buffer allocation failed/i.test(message) || isolate.isDisposed) {
      return {
        code: "sandbox.memory",
        name: "Error",
        message: `the pipeline exceeded the ${heapMb} MB memory limit while evaluating`,
      };
    }
    if (/Script execution timed out/i.test(message)) {
      return {
        code: "sandbox.timeout",
        name: "Error",
        message: `the pipeline did not finish evaluating within ${timeoutMs} ms`,
      };
    }
    const name = error instanceof Error ? error.name : "Error";
    const stack = error instanceof Error && typeof error.stack === "string" ? { stack: error.stack } : {};
    return { code: "pipeline.throw", name, message, ...stack };
  }
}

const failure = (code: string, message: string): EvaluationOutcome => ({
  ok: false,
  error: { code, name: "Error", message },
});
