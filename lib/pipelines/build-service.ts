import type { CronWorkflow, Spec } from "../argo";
import type { Diagnostic } from "../compiler/diagnostics";
import type { SourceFiles } from "../compiler/source-files";
import { readSpec } from "../compiler/spec-file";
import { buildFailedEvent, buildSucceededEvent } from "../events/run-events";
import type { EventBus } from "../ports/event-bus";
import type { PipelineStore, PipelineVersion } from "../ports/pipeline-store";
import type { ScheduleStore } from "../ports/schedule-store";
import { keys, type SpecStore } from "../ports/spec-store";
import { scheduleFromCron } from "../runs/schedules/install";
import { decodeBuildParameters } from "./build-parameters";
import { contentHash } from "./content-hash";
import { pipelineNameProblem, uploadEntry } from "./names";
import { declaredParameters, templateCount } from "./spec-summary";
import {
  checkTemplateReferences,
  installProblem,
  installTemplate,
  retireTemplate,
  sharedTemplateOf,
  type TemplateEngine,
} from "./templates";
import { UploadTooLargeError, uploadFiles } from "./upload-files";

/** What the build service needs from the compiler (lib/compiler's `compilePipeline`). */
export interface CompileRequest {
  entry: string;
  files: SourceFiles;
  typecheck?: boolean;
  /** Check through the process's warm checker (the build service lives on between builds). */
  warmTypecheck?: boolean;
  /** Wall-time limit of the pipeline's evaluation, in ms; undefined: the compiler's default. */
  timeoutMs?: number;
  /** The upload's build parameters (`skiff push -p`), read by the pipeline as `skiff build -p` gives them. */
  buildParameters?: Record<string, string>;
  /** Checks of the evaluated spec against the engine (shared templates), placed like the linter's findings. */
  check?: (spec: Spec) => Promise<Diagnostic[]>;
}
export interface CompileResult {
  ok: boolean;
  spec?: Spec;
  yaml?: string;
  diagnostics: Diagnostic[];
}
export type Compile = (request: CompileRequest) => Promise<CompileResult>;

export interface BuildServiceOptions {
  specs: SpecStore;
  pipelines: PipelineStore;
  bus: EventBus;
  compile: Compile;
  /** Where a CronWorkflow version installs its schedule (docs/schedules.md). Absent: schedules are not kept. */
  schedules?: ScheduleStore;
  /**
   * The engine a WorkflowTemplate version installs its template in, and against which every build checks its
   * templateRefs and workflowTemplateRef (docs/templates.md). Absent: templates are neither installed nor checked.
   */
  templates?: TemplateEngine;
  /** Type-check the upload during the build (a type error fails it). Default: true. */
  typecheck?: boolean;
  /** Most files one build reads. Default: 200. */
  maxSourceFiles?: number;
  /** Most bytes one build reads. Default: 1 MiB. */
  maxSourceBytes?: number;
  /** Wall-time limit of a pipeline's evaluation, in ms. Default: the compiler's (30 s). */
  buildTimeoutMs?: number;
  /** Clock. Default: `() => new Date()`. */
  now?: () => Date;
}

const defaults = {
  typecheck: true,
  maxSourceFiles: 200,
  maxSourceBytes: 1024 * 1024,
  now: () => new Date(),
};

export type BuildOutcome =
  | { kind: "skipped"; key: string; reason: string }
  | { kind: "rejected"; key: string; pipeline: string; diagnostics: Diagnostic[] }
  | { kind: "built"; key: string; version: PipelineVersion; created: boolean };

/**
 * Build on upload: compile `pipelines/<name>.ts` (that file alone) or `pipelines/<name>/pipeline.ts` (with
 * the files of its own folder), record the version, store
 * the spec, publish the outcome. Identical content records no new version and publishes nothing; a failed
 * build is recorded (with its diagnostics) without moving the pipeline's latest good version.
 */
export class BuildService {
  private readonly options: Required<BuildServiceOptions>;

  constructor(options: BuildServiceOptions) {
    this.options = { ...defaults, ...options } as Required<BuildServiceOptions>;
  }

  /** `object.versionId`: the S3 version the notification named, read instead of the key's newest. */
  async buildKey(key: string, object: { versionId?: string } = {}): Promise<BuildOutcome> {
    const { specs, pipelines, bus } = this.options;
    const entry = uploadEntry(key);
    if (!entry) return { kind: "skipped", key, reason: "not a pipeline entry (a module entries may import)" };
    const nameProblem = pipelineNameProblem(entry.pipeline);
    if (nameProblem) {
      const source = await specs.get(key);
      if (!source) return { kind: "skipped", key, reason: "the object no longer exists" };
      const diagnostics: Diagnostic[] = [
        { severity: "error", code: "pipeline.name", message: nameProblem, file: key },
      ];
      await bus.publish([
        buildFailedEvent({
          pipeline: entry.pipeline,
          contentHash: contentHash({ [entry.entry]: source.body }),
          sourceKey: key,
          diagnostics,
          createdAt: this.options.now().toISOString(),
        }),
      ]);
      return { kind: "rejected", key, pipeline: entry.pipeline, diagnostics };
    }

    const files = uploadFiles(
      specs,
      { maxFiles: this.options.maxSourceFiles, maxBytes: this.options.maxSourceBytes },
      entry,
      object.versionId,
    );
    const entrySource = await files.read(files.entry).catch((error: unknown) => {
      if (error instanceof UploadTooLargeError) return error;
      throw error;
    });
    if (entrySource === undefined) return { kind: "skipped", key, reason: "the object no longer exists" };

    const decoded = decodeBuildParameters(files.metadata);
    const buildParameters = "parameters" in decoded ? decoded.parameters : {};
    const result =
      entrySource instanceof UploadTooLargeError
        ? tooLarge(entrySource, key)
        : "error" in decoded
          ? {
              ok: false,
              diagnostics: [
                { severity: "error" as const, code: "build.parameters", message: decoded.error, file: key },
              ],
            }
          : inFolder(await this.compile(files.entry, files, key, buildParameters), entry.folder);
    const schedule = scheduleOf(entry.pipeline, result, key, this.options.now());
    const shared = result.ok ? sharedTemplateOf(result.spec) : undefined;
    const sharedProblem =
      shared && this.options.templates
        ? await installProblem(this.options.templates, entry.pipeline, shared, key)
        : undefined;
    const problem = schedule.problem ?? sharedProblem;
    const ok = result.ok && result.spec !== undefined && result.yaml !== undefined && !problem;
    const diagnostics: Diagnostic[] = problem
      ? [...result.diagnostics, problem]
      : ok || result.diagnostics.some((d) => d.severity === "error")
        ? result.diagnostics
        : [
            ...result.diagnostics,
            { severity: "error", code: "build", message: "the build produced no spec", file: key },
          ];
    // The good version before this one: a library that stops being one (or is renamed) retires its template.
    const previousGood = this.options.templates
      ? (await pipelines.getPipeline(entry.pipeline))?.latestGoodVersion
      : undefined;
    const recorded = await pipelines.recordVersion({
      pipeline: entry.pipeline,
      contentHash: contentHash(files.files, buildParameters),
      ...(Object.keys(buildParameters).length ? { buildParameters } : {}),
      sourceSize: Object.values(files.files).reduce((n, text) => n + Buffer.byteLength(text, "utf8"), 0),
      ok,
      parameters: ok && result.spec ? declaredParameters(result.spec) : [],
      templateCount: ok && result.spec ? templateCount(result.spec) : 0,
      diagnostics,
      createdAt: this.options.now().toISOString(),
      ...(files.upload ? { upload: files.upload } : {}),
    });
    const version = recorded.version;
    const specKey = keys.spec(entry.pipeline, version.version);
    // Stored also when the version already existed: a retried invocation repairs a spec whose write failed.
    if (version.ok && result.yaml !== undefined) {
      await specs.put(specKey, result.yaml, { contentType: "application/yaml" });
    }
    // A new good version replaces the pipeline's schedule (or removes it); a failed build keeps the last good one.
    if (version.ok && this.options.schedules) {
      if (schedule.install)
        await this.options.schedules.install({ ...schedule.install, version: version.version });
      else await this.options.schedules.remove(entry.pipeline, version.version);
    }
    // A good version installs its template in the engine, where templateRefs of later runs resolve.
    if (version.ok && this.options.templates) {
      if (shared) await installTemplate(this.options.templates, entry.pipeline, version.version, shared);
      if (recorded.created && previousGood && previousGood !== version.version) {
        const previous = await specs.get(keys.spec(entry.pipeline, previousGood));
        const before = previous ? sharedTemplateOf(readSpec(previous.body) as Spec) : undefined;
        await retireTemplate(this.options.templates, entry.pipeline, before, shared);
      }
    }
    if (recorded.created) {
      await bus.publish([
        version.ok
          ? buildSucceededEvent({
              pipeline: entry.pipeline,
              version: version.version,
              contentHash: version.contentHash,
              sourceSize: version.sourceSize,
              specKey,
              parameters: version.parameters,
              templateCount: version.templateCount,
              diagnostics: version.diagnostics,
              createdAt: version.createdAt,
            })
          : buildFailedEvent({
              pipeline: entry.pipeline,
              version: version.version,
              contentHash: version.contentHash,
              sourceKey: key,
              diagnostics: version.diagnostics,
              lastGoodVersion: (await pipelines.getPipeline(entry.pipeline))?.latestGoodVersion,
              createdAt: version.createdAt,
            }),
      ]);
    }
    return { kind: "built", key, version, created: recorded.created };
  }

  private async compile(
    entry: string,
    files: SourceFiles,
    key: string,
    buildParameters: Record<string, string>,
  ): Promise<CompileResult> {
    try {
      const { typecheck, buildTimeoutMs, templates } = this.options;
      return await this.options.compile({
        entry,
        files,
        typecheck,
        warmTypecheck: true,
        ...(Object.keys(buildParameters).length ? { buildParameters } : {}),
        ...(templates ? { check: (spec: Spec) => checkTemplateReferences(templates, spec) } : {}),
        ...(buildTimeoutMs === undefined ? {} : { timeoutMs: buildTimeoutMs }),
      });
    } catch (error) {
      const tooBig = findCause(error, UploadTooLargeError);
      if (tooBig) return tooLarge(tooBig, key);
      throw error;
    }
  }
}

/**
 * The compiler names files relative to the pipeline's folder; versions and events name them relative to
 * `pipelines/` (`report/pipeline.ts`), as before uploads were confined to their folder.
 */
function inFolder(result: CompileResult, folder: string | undefined): CompileResult {
  if (folder === undefined) return result;
  // Assigned, not spread: spreading would render the compiler's lazy fields (YAML, JSON, sites).
  result.diagnostics = result.diagnostics.map((d) => (d.file ? { ...d, file: folder + d.file } : d));
  return result;
}

/** The schedule a CronWorkflow spec installs (its version filled in once recorded), or why it cannot. */
function scheduleOf(
  pipeline: string,
  result: CompileResult,
  key: string,
  now: Date,
): { install?: ReturnType<typeof scheduleFromCron>; problem?: Diagnostic } {
  if (!result.ok || result.spec?.kind !== "CronWorkflow") return {};
  try {
    return { install: scheduleFromCron(pipeline, "", result.spec as CronWorkflow, now) };
  } catch (error) {
    return {
      problem: {
        severity: "error",
        code: "cron.schedule",
        message: (error as Error).message,
        file: key,
        path: "spec.schedules",
      },
    };
  }
}

function tooLarge(error: UploadTooLargeError, key: string): CompileResult {
  return {
    ok: false,
    diagnostics: [{ severity: "error", code: "upload.too-large", message: error.message, file: key }],
  };
}

function findCause<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if (e instanceof type) return e;
  }
  return undefined;
}
