import { DynamoPipelineStore } from "../adapters/dynamodb/pipeline-store";
import { DynamoScheduleStore } from "../adapters/dynamodb/schedule-store";
import { EventBridgeBus } from "../adapters/eventbridge/event-bus";
import { s3ClientFor } from "../adapters/s3/client";
import { S3SpecStore } from "../adapters/s3/spec-store";
import type { SkiffConfig } from "../config";
import type { Engine } from "../ports/engine";
import { BuildService } from "./build-service";
import { compileForEngine } from "./engine-compile";
import type { TemplateEngine } from "./templates";

/** The build service on the configured bucket, table and bus (one per container). */
export function buildServiceFromConfig(config: SkiffConfig): BuildService {
  return new BuildService({
    specs: new S3SpecStore({ bucket: config.bucket, client: s3ClientFor(config) }),
    pipelines: new DynamoPipelineStore({ tableName: config.table }),
    schedules: new DynamoScheduleStore({ tableName: config.table }),
    bus: new EventBridgeBus({ busName: config.eventBus }),
    templates: lazyEngine(config),
    // The compiler (Argo's schema validators, the sandbox) loads on the first build, not in the init phase.
    compile: async (request) => {
      const build = await import("../compiler");
      const { timeoutMs, ...rest } = request;
      const { notifier } = config;
      const serviceAccounts = build.serviceAccountPolicy(config.serviceAccounts, notifier);
      const compile = (r: typeof request) =>
        build.compilePipeline({
          ...r,
          serviceAccounts,
          namespaces: build.namespacePolicy(config.engine),
          ...(timeoutMs === undefined ? {} : { limits: { timeoutMs } }),
        });
      return compileForEngine(compile, build.toYaml, notifier)(rest);
    },
    typecheck: config.typecheck,
    maxSourceFiles: config.limits.maxSourceFiles,
    maxSourceBytes: config.limits.maxSourceBytes,
    buildTimeoutMs: config.limits.buildTimeoutMs,
  });
}

/** The configured engine, made on first use: the compiler and the engine's clients load only when a build needs them. */
function lazyEngine(config: SkiffConfig): TemplateEngine {
  let engine: Promise<Engine> | undefined;
  const get = () => {
    engine ??= import("../engine").then(({ createEngine }) => createEngine(config.engine));
    return engine;
  };
  return {
    installTemplate: async (template) => (await get()).installTemplate(template),
    getTemplate: async (ref) => (await get()).getTemplate(ref),
    deleteTemplate: async (ref) => (await get()).deleteTemplate(ref),
  };
}
