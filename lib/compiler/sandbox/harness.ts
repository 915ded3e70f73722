// The build harness, run inside each build's isolate after the DSL (./isolate-script.ts): it loads the
// pipeline (a CommonJS function the bundler wraps in `__skiffPipeline.load`), calls a default export that
// is a function with the build parameters, and renders the spec as one JSON string, its only output.
// Its frames carry the DSL script's name, so call-site lookups skip them.
import type * as Dsl from "../../dsl/index";

/** The global the pipeline script assigns: `{ entry, load(module, exports, require) }`. */
export const PIPELINE_GLOBAL = "__skiffPipeline";
/** The global the harness defines, read-only: `{ evaluate(parametersJson, withSites, limits) }`. */
export const HARNESS_GLOBAL = "__skiffBundle";

interface PipelineModule {
  entry?: unknown;
  load(module: { exports: unknown }, exports: unknown, require: (name: string) => unknown): void;
}

interface ErrorReport {
  code: string;
  name: string;
  message: string;
  stack?: string;
  site?: { file: string; line: number; column: number };
}

/** The limits the harness reports against (the sandbox enforces them). */
interface HarnessLimits {
  outputChars: number;
  memoryMb: number;
}

function describe(error: unknown, code: string, limits?: HarnessLimits): ErrorReport {
  if (error === null || typeof error !== "object") {
    return { code, name: "Error", message: `threw a non-error value: ${String(error)}` };
  }
  const e = error as { name?: unknown; message?: unknown; stack?: unknown; site?: unknown };
  // The isolate's memory limit refuses a large ArrayBuffer where it is allocated, as a RangeError.
  if (error instanceof RangeError && /array buffer allocation failed/i.test(error.message)) {
    const limit = limits ? `the ${limits.memoryMb} MB memory limit` : "the memory limit";
    return {
      code: "sandbox.memory",
      name: "Error",
      message: `the pipeline exceeded ${limit} while evaluating`,
    };
  }
  const raw = e.site as { file?: unknown; line?: unknown; column?: unknown } | null | undefined;
  const site =
    raw && typeof raw === "object" && typeof raw.file === "string"
      ? { file: raw.file, line: Number(raw.line), column: Number(raw.column) }
      : undefined;
  return {
    code: e.name === "DslError" ? "dsl" : code,
    name: String(e.name ?? "Error"),
    message: String(e.message ?? error),
    ...(typeof e.stack === "string" ? { stack: e.stack } : {}),
    ...(site ? { site } : {}),
  };
}

const fail = (code: string, message: string) =>
  JSON.stringify({ ok: false, error: { code, name: "Error", message } });
const threw = (error: unknown, limits?: HarnessLimits) =>
  JSON.stringify({ ok: false, error: describe(error, "pipeline.throw", limits) });

const isRawSpec = (value: unknown) =>
  value !== null &&
  typeof value === "object" &&
  typeof (value as { apiVersion?: unknown }).apiVersion === "string" &&
  typeof (value as { kind?: unknown }).kind === "string";

const describeValue = (value: unknown) =>
  value === null
    ? "null"
    : Array.isArray(value)
      ? "an array"
      : typeof value === "object"
        ? "an object that is not a Skiff resource"
        : `a ${typeof value}`;

/** Defines the harness global for the DSL namespace `dsl`. */
export function installHarness(dsl: typeof Dsl): void {
  // The bundler keeps only "skiff" as an outside import; anything else was refused before this runs.
  const requireSkiff = (name: string) => {
    if (name === "skiff") return dsl;
    throw new Error(`import "${String(name)}" is not available to pipelines`);
  };

  // withSites: record where user code created each part, as [path, site] pairs beside the spec (the
  // compiler asks only when a diagnostic needs placing; recording them costs a fifth of the evaluation).
  function run(
    pipeline: PipelineModule,
    parametersJson: string,
    withSites: boolean,
    limits: HarnessLimits,
  ): string {
    const parameters = Object.freeze(JSON.parse(parametersJson));
    dsl.setCallSiteCapture(withSites ? "defer" : "skip");
    const entry = String(pipeline?.entry);
    let value: unknown;
    try {
      const module: { exports: unknown } = { exports: {} };
      pipeline.load(module, module.exports, requireSkiff);
      const exported = module.exports as { default?: unknown } | null;
      if (exported === null || typeof exported !== "object" || exported.default === undefined) {
        return fail(
          "pipeline.default-export",
          `${entry} has no default export: export default the workflow, or a function of build parameters that returns it`,
        );
      }
      value = exported.default;
      if (typeof value === "function" && !dsl.isSkiffResource(value)) value = value(parameters);
    } catch (error) {
      return threw(error, limits);
    }
    if (
      value !== null &&
      typeof value === "object" &&
      typeof (value as { then?: unknown }).then === "function"
    ) {
      return fail(
        "pipeline.default-export",
        "the default export returned a Promise: build functions must return the workflow synchronously",
      );
    }
    try {
      if (dsl.isSkiffResource(value)) {
        if (!withSites) return JSON.stringify({ ok: true, spec: value.toSpec() });
        const { spec, sites } = value.specWithSiteList();
        const pairs = sites.map(([path, site]) => [
          path,
          { file: site.file, line: site.line, column: site.column },
        ]);
        return JSON.stringify({ ok: true, spec, sites: pairs });
      }
      if (isRawSpec(value)) return JSON.stringify({ ok: true, spec: value });
    } catch (error) {
      return threw(error, limits);
    }
    return fail(
      "pipeline.default-export",
      `the default export must be a Skiff Workflow, WorkflowTemplate or CronWorkflow (or a function of build parameters returning one), got ${describeValue(value)}`,
    );
  }

  // The output is measured here, before it is copied out of the isolate: a string's length cannot be faked.
  function evaluate(parametersJson: string, withSites: boolean, limits: HarnessLimits): string {
    let output: unknown;
    try {
      const pipeline = (globalThis as Record<string, unknown>)[PIPELINE_GLOBAL] as PipelineModule;
      output = run(pipeline, parametersJson, withSites, limits);
    } catch (error) {
      return threw(error, limits);
    }
    if (typeof output !== "string") return fail("sandbox.output", "the pipeline produced no JSON output");
    if (output.length > limits.outputChars) {
      return fail(
        "sandbox.output",
        `the pipeline's spec is ${output.length} characters of JSON; the limit is ${limits.outputChars}`,
      );
    }
    return output;
  }

  Object.defineProperty(globalThis, HARNESS_GLOBAL, {
    value: Object.freeze({ evaluate }),
    writable: false,
    configurable: false,
  });
}
