import { readFile } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import type { Workflow } from "../../argo";
// From their modules, not the engine's index: that one also exports the S3 artifact store, whose AWS SDK a
// local run never uses.
import { LocalDirArtifactStore } from "../../engine/local/artifacts/local-dir";
import { LocalEngine } from "../../engine/local/engine";
import { renderTree } from "../../engine/local/tree";
import { EngineError } from "../../ports/engine-errors";
import { EXIT_FAILED, EXIT_OK, parseKeyValues, UsageError } from "../exit";
import type { RunCommandOptions } from "./run";

/** Where `skiff run --local` keeps step directories, logs and artifacts (relative to the working directory). */
export const LOCAL_STATE_DIR = ".skiff/local";

async function loadWorkflow(target: string, daemon: boolean): Promise<Workflow> {
  const ext = extname(target).toLowerCase();
  if (ext === ".ts") {
    // Loaded only for pipelines: the build of `skiff build`, in the build daemon when one answers.
    const [{ buildPipelineFile }, { formatDiagnostic }] = await Promise.all([
      import("../../compiler/cli"),
      import("../../compiler/diagnostics"),
    ]);
    const result = await buildPipelineFile(resolve(target), {
      params: {},
      typecheck: true,
      daemon,
      yaml: false,
      json: true,
    });
    for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    if (!result.ok || result.json === undefined) {
      throw new RunLocalFailure(`${target}: the pipeline did not build`);
    }
    const spec = JSON.parse(result.json) as { kind?: string };
    if (spec.kind !== "Workflow") {
      throw new UsageError(`${target} builds a ${spec.kind}; --local runs Workflow specs`);
    }
    return spec as Workflow;
  }
  if (ext !== ".yaml" && ext !== ".yml" && ext !== ".json") {
    throw new UsageError(`${target}: expected a pipeline .ts or a spec .yaml/.yml/.json`);
  }
  let text: string;
  try {
    text = await readFile(target, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${target}: ${(error as Error).message}`);
  }
  // The reader `skiff lint` uses, so that both accept and read a spec alike.
  const { parseSpecs } = await import("../../compiler/spec-file");
  const { documents: docs, diagnostics } = parseSpecs(text, target);
  for (const d of diagnostics) {
    const at = d.line === undefined ? "" : `${d.line}:${d.column ?? 1}:`;
    throw new UsageError(`${target}:${at} ${d.message}`);
  }
  for (const doc of docs) {
    const value = doc as Workflow | null;
    if (value && typeof value === "object" && value.kind === "Workflow") return value;
  }
  throw new UsageError(`${target}: no Workflow document found (kind: Workflow)`);
}

class RunLocalFailure extends Error {}

/** Draws the tree on a TTY (redrawn on change), or prints one plain line per node phase change otherwise. */
function watcher(): { update(wf: Workflow): void; end(wf: Workflow): void } {
  if (process.stdout.isTTY) {
    let last = 0;
    let pending: Workflow | undefined;
    let timer: NodeJS.Timeout | undefined;
    const draw = (wf: Workflow) => {
      last = Date.now();
      process.stdout.write(`\x1b[2J\x1b[H${renderTree(wf)}\n`);
    };
    return {
      update(wf) {
        pending = wf;
        if (timer) return;
        const wait = Math.max(0, 200 - (Date.now() - last));
        timer = setTimeout(() => {
          timer = undefined;
          if (pending) draw(pending);
        }, wait);
      },
      end(wf) {
        if (timer) clearTimeout(timer);
        draw(wf);
      },
    };
  }
  const seen = new Map<string, string>();
  return {
    update(wf) {
      for (const node of Object.values(wf.status?.nodes ?? {})) {
        const state = `${node.phase}|${node.message ?? ""}`;
        if (seen.get(node.id) === state) continue;
        seen.set(node.id, state);
        const msg = node.message ? `  ${node.message}` : "";
        process.stdout.write(
          `${new Date().toISOString()}  ${node.displayName ?? node.name}  ${node.type}  ${node.phase}${msg}\n`,
        );
      }
    },
    end(wf) {
      this.update(wf);
      process.stdout.write(`${renderTree(wf)}\n`);
    },
  };
}

/** `skiff run --local <pipeline.ts|spec.yaml>`: runs on the local engine in this process; exit 0 only on Succeeded. */
export async function runLocal(target: string, options: RunCommandOptions): Promise<number> {
  const output = options.output ?? "text";
  if (output !== "text" && output !== "json")
    throw new UsageError(`-o must be text or json, got "${output}"`);
  if (options.version || options.profile)
    throw new UsageError("--version and --profile apply to pushed pipelines, not --local");
  const parameters = parseKeyValues(options.param, "-p");
  let spec: Workflow;
  try {
    spec = await loadWorkflow(target, options.daemon !== false);
  } catch (error) {
    if (error instanceof RunLocalFailure) {
      process.stderr.write(`${error.message}\n`);
      return EXIT_FAILED;
    }
    throw error;
  }
  const state = resolve(LOCAL_STATE_DIR);
  const engine = new LocalEngine({
    workDir: join(state, "runs"),
    artifacts: new LocalDirArtifactStore(join(state, "artifacts")),
  });
  const runId = `local-${Date.now().toString(36)}`;
  let submitted: Workflow;
  try {
    submitted = await engine.submit(spec, { runId, parameters });
  } catch (error) {
    if (error instanceof EngineError) {
      process.stderr.write(`${target}: ${error.message}\n`);
      return EXIT_FAILED;
    }
    throw error;
  }
  const ref = { namespace: submitted.metadata.namespace ?? "default", name: submitted.metadata.name ?? "" };
  const abort = new AbortController();
  const onSignal = () => {
    void engine.terminate(ref).catch(() => undefined);
  };
  process.once("SIGINT", onSignal);
  const view = options.watch && output === "text" ? watcher() : undefined;
  const feed = view
    ? (async () => {
        for await (const event of engine.watch({
          labelSelector: `skiff.dev/run-id=${runId}`,
          signal: abort.signal,
        })) {
          view.update(event.object);
        }
      })()
    : Promise.resolve();
  const final = await engine.wait(ref);
  abort.abort();
  await feed;
  process.off("SIGINT", onSignal);
  await engine.close();
  if (output === "json") process.stdout.write(`${JSON.stringify(final, null, 2)}\n`);
  else if (view) view.end(final);
  else process.stdout.write(`${renderTree(final)}\n`);
  return final.status?.phase === "Succeeded" ? EXIT_OK : EXIT_FAILED;
}
