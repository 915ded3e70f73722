// Messages between the build (parent) and the sandbox worker (child), as frames over the worker's stdin
// and stdout (./frames.ts).

/**
 * Parent → worker: evaluate one bundle in a fresh vm context. With `dsl`, the bundle assigns the pipeline
 * module to `__skiffPipeline` and the DSL's harness, in the worker's sealed realm of that DSL, evaluates it;
 * without, the bundle itself defines `__skiffBundle.evaluate(parametersJson, withSites)`.
 */
export interface EvaluateRequest {
  id: number;
  /** The bundled pipeline. */
  code: string;
  /**
   * The DSL script with its harness and seal (../sandbox/harness.ts). `code` is sent only the first time a
   * worker sees `key`; the worker keeps the compiled script and its realm.
   */
  dsl?: { key: string; code?: string; cache?: Uint8Array };
  /** The name V8 gives the bundle in stack frames; source-map lookups key on it. */
  filename: string;
  /** Build parameters as JSON text: only strings cross into the context, never host objects. */
  parametersJson: string;
  /** Ask the bundle for the call sites of the manifest's parts too (they only place diagnostics). */
  callSites?: boolean;
  /** After answering, render the manifest's YAML and send it as a `YamlResponse` (the parent lints meanwhile). */
  yaml?: boolean;
  /** CPU-time budget for the synchronous evaluation, in ms (the parent also enforces a wall-time limit). */
  timeoutMs: number;
}

/**
 * Parent → worker: compile this DSL now and make its sealed realm, so that neither is on the next build's
 * path.
 */
export interface PreloadRequest {
  /** `cache`: V8's code cache for `code`, when the parent has one (a rejected one only costs speed). */
  preload: { key: string; code: string; cache?: Uint8Array };
}

/**
 * Parent → worker, when `npm run build` writes the code caches (SKIFF_WRITE_CODE_CACHE=1), after a real
 * build: V8's code caches of the worker's own program and of the DSL versions it compiled, which now hold
 * the functions a build runs. The worker cannot write files; the parent does.
 */
export interface CodeCacheRequest {
  id: number;
  codeCache: true;
}

/** Worker → parent: the answer to a `CodeCacheRequest`. */
export interface CodeCacheResponse {
  id: number;
  /** Of the worker's program as the bootstrap compiled it (absent if it was not started by one). */
  worker?: Uint8Array;
  dsl: { key: string; cache: Uint8Array }[];
}

/** What user code threw (or the evaluation found wrong), as plain data. */
export interface EvaluationError {
  code: string;
  name: string;
  message: string;
  stack?: string;
  site?: { file: string; line: number; column: number };
}

/** Worker → parent. `resultJson` is the bundle's own JSON output, parsed and checked by the parent. */
export type EvaluateResponse =
  /** `realmUses`: how many builds, this one included, the DSL's realm has served (absent without a DSL). */
  | { id: number; ok: true; resultJson: string; realmUses?: number }
  | { id: number; ok: false; error: EvaluationError };

/**
 * Worker → parent, after a successful `EvaluateResponse` to a request with `yaml`: the manifest's YAML,
 * rendered from the answer's JSON text (plain data, never the context's objects); none if it has none.
 */
export interface YamlResponse {
  id: number;
  yaml?: string;
}

/** Sent once by the worker when it is ready for requests. */
export interface ReadyMessage {
  ready: true;
}
