import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { closeSharedTypecheckSession } from "../compiler/typecheck-session";
import { resetConfig } from "../config";
import { dashboardAssets } from "../dashboard/assets";
import { resetSharedLocalEngine, sharedLocalEngine } from "../engine";
import { S3ArtifactStore } from "../engine/local";
import type { Engine } from "../ports/engine";
import type { EventRouter, WebhookDefinition } from "./bus/router";
import { type EventBusServer, startEventBus } from "./bus/server";
import { asLocalCaller } from "./caller";
import { LOCAL_CREDENTIALS } from "./credentials";
import { startDynamoDbLocal } from "./dynamodb";
import { createTableInput, ensureTable } from "./dynamodb-tables";
import { startEngineFeed } from "./engine-feed";
import { LocalStackError } from "./errors";
import { type HttpApiServer, type HttpRoute, startHttpApi } from "./http-api";
import { evaluateIntrinsic, localResourceName } from "./intrinsics";
import { invoke, invokeAsync, type LambdaHandler } from "./lambda";
import { projectRoot } from "./project";
import { createS3Client, type LocalS3, startLocalS3 } from "./s3";
import { s3TriggerMatches } from "./s3-triggers";
import { type ScheduledJob, Scheduler, scheduledEvent } from "./schedule";
import { type FunctionDefinition, readService, type ServiceDefinition } from "./serverless/functions";
import { loadServerlessYaml } from "./serverless/variables";

export type Handlers = Record<string, LambdaHandler>;

export interface StackOptions {
  /** Folder holding serverless.yml and examples/. Defaults to the Skiff checkout this code runs from. */
  root?: string;
  /** Defaults to `<root>/serverless.yml`. */
  serverlessFile?: string;
  /** Stage used to resolve serverless.yml. Defaults to `local`. */
  stage?: string;
  /**
   * Where S3 objects, the DynamoDB database, the bus's event history and step work directories live. Defaults to `<root>/.skiff`;
   * state there survives a restart, except the step work directories, which the next start clears. Ignored
   * when `ephemeral`.
   */
  stateDir?: string;
  /**
   * Keep nothing: in-memory DynamoDB, S3 objects and step work directories in temporary directories that `stop()`
   * removes, no stack file. Defaults to false.
   */
  ephemeral?: boolean;
  /**
   * The Lambda handlers by serverless function name (what `functions/index.ts` exports), or a loader called
   * once the environment is set, for handlers that read it when their module loads.
   */
  handlers: Handlers | (() => Promise<Handlers>);
  /** Ports of the HTTP API, S3, DynamoDB and the bus. Each defaults to a free port. */
  ports?: { api?: number; s3?: number; dynamodb?: number; bus?: number };
  /** Webhooks receiving bus events (optionally filtered by an EventBridge pattern). Defaults to none. */
  webhooks?: WebhookDefinition[];
  /** Upload `examples/<name>/pipeline.ts` as `pipelines/<name>.ts` and wait for their builds. Defaults to true. */
  uploadExamples?: boolean;
  /** Run the functions' schedules (the watcher's sweep), once at start and then on schedule. Defaults to true. */
  schedules?: boolean;
  /** Delay before retrying a failed asynchronous invocation. Defaults to 1 s. */
  retryDelayMs?: number;
  /**
   * The bus's delivery to rules' functions and webhooks: `retryDelaysMs` are the delays between attempts (the last
   * repeats; default doubling from 1 s to 1 min), `redriveIntervalMs` how often parked deliveries (retries run out,
   * kept on disk under the state directory) are delivered again (default 5 min; also once at start).
   */
  delivery?: { retryDelaysMs?: number[]; redriveIntervalMs?: number };
  /** Runs every schedule (the watcher's sweep) this often instead of on its expression. Default: the expression. */
  scheduleIntervalMs?: number;
  /**
   * The handlers' Powertools log level (`POWERTOOLS_LOG_LEVEL` in their environment) unless this process's
   * environment sets one. Default: Powertools' own (INFO).
   */
  handlerLogLevel?: string;
  /** Diagnostic lines (failed deliveries, retries). Defaults to stderr. */
  log?: (line: string) => void;
}

export interface Stack {
  apiUrl: string;
  s3Endpoint: string;
  dynamodbEndpoint: string;
  /** The bus's endpoint: EventBridge PutEvents, and `GET /events` (add `?follow=true` to stream). */
  busUrl: string;
  bucket: string;
  table: string;
  eventBus: string;
  region: string;
  stage: string;
  /** The environment the handlers run with (also applied to this process while the stack runs). */
  env: Record<string, string>;
  service: ServiceDefinition;
  engine: Engine;
  router: EventRouter;
  s3: LocalS3;
  /** Child processes (for checks that nothing outlives the stack). */
  processes: { s3: number; dynamodb: number };
  /** Pipelines uploaded from examples/ at start. */
  examples: string[];
  /** Runs every schedule now (the watcher's sweep) and waits for it. */
  runSchedules(): Promise<void>;
  /** Waits until S3-triggered invocations and bus deliveries started so far have finished. */
  idle(): Promise<void>;
  /** Stops everything (no process is left behind) and restores this process's environment. */
  stop(): Promise<void>;
}

const STACK_FILE = "stack.json";
/** How long a stop waits for the last deliveries (the watcher recording terminated runs). */
const STOP_DRAIN_MS = 10_000;
/** The bus's back-off: doubling from 1 s to a minute, then a minute between the remaining retries. */
const DELIVERY_DELAYS_MS = [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000];
const REDRIVE_INTERVAL_MS = 5 * 60_000;

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Refuses to start a second stack on the same state (two DynamoDB Locals on one file corrupt it). */
function claimStateDir(stateDir: string): void {
  const file = join(stateDir, STACK_FILE);
  if (!existsSync(file)) return;
  try {
    const { pid } = JSON.parse(readFileSync(file, "utf8")) as { pid?: number };
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new LocalStackError(
        `a Skiff stack is already running on ${stateDir} (pid ${pid}); stop it first`,
      );
    }
  } catch (error) {
    if (error instanceof LocalStackError) throw error;
  }
}

/** The handlers' environment: serverless.yml's, evaluated locally, plus the local endpoints and credentials. */
function handlerEnvironment(
  service: ServiceDefinition,
  endpoints: { s3: string; dynamodb: string; bus: string },
  log: (line: string) => void,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const fn of service.functions) {
    for (const [name, value] of Object.entries(fn.environment)) {
      // NODE_OPTIONS would leak into every step process the engine starts.
      if (name === "NODE_OPTIONS") continue;
      const evaluated = evaluateIntrinsic(value, service);
      if (env[name] !== undefined && env[name] !== evaluated) {
        log(`env: ${name} differs between functions; the handlers share one process, using "${env[name]}"`);
        continue;
      }
      env[name] = evaluated;
    }
  }
  return {
    ...env,
    SKIFF_STAGE: service.stage,
    SKIFF_ENGINE: "local",
    AWS_REGION: service.region,
    AWS_DEFAULT_REGION: service.region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.bus,
    SKIFF_S3_PATH_STYLE: "true",
  };
}

/**
 * Sets the functions' environment as Lambda would (they share this process), and forgets the configuration read
 * from the one before, so the handlers read this one once and make their dependencies from it.
 */
function applyEnvironment(env: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  resetConfig();
  return () => {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    resetConfig();
  };
}

/**
 * Starts the embedded stack: s3rver, DynamoDB Local, the bus, the local engine and the HTTP API, wired to the
 * handlers exactly as serverless.yml wires them in AWS. Whatever fails half-way is stopped again.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const root = resolve(options.root ?? projectRoot());
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const ephemeral = options.ephemeral ?? false;
  const stateDir = ephemeral
    ? mkdtempSync(join(tmpdir(), "skiff-stack-"))
    : resolve(options.stateDir ?? join(root, ".skiff"));
  const serverlessFile = options.serverlessFile ?? join(root, "serverless.yml");
  const service = readService(
    loadServerlessYaml({ file: serverlessFile, stage: options.stage ?? "local" }),
    serverlessFile,
  );
  mkdirSync(stateDir, { recursive: true });
  if (!ephemeral) claimStateDir(stateDir);
  // The engine's work directory: each step's files and log. A stop keeps it, so that the last session's steps
  // can still be looked at; the next start on the same state clears it, as the engine does not resume those
  // runs and their logs are served from the bucket (`logs/<runId>/<nodeId>.log`, kept with the rest of the state).
  // So it holds one session at most. An ephemeral stack's is inside its temporary state directory, removed on stop.
  const engineDir = join(stateDir, "engine");
  if (!ephemeral) rmSync(engineDir, { recursive: true, force: true });

  const stops: Array<() => Promise<unknown> | unknown> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        log(`stopping: ${(error as Error).message}`);
      }
    }
    stops.length = 0;
  };
  if (ephemeral) stops.push(() => rmSync(stateDir, { recursive: true, force: true }));

  try {
    const buckets = new Set<string>();
    for (const fn of service.functions)
      for (const t of fn.triggers) if (t.kind === "s3") buckets.add(t.bucket);
    const providerBucket = service.functions[0]?.environment.SKIFF_BUCKET;
    if (typeof providerBucket === "string") buckets.add(providerBucket);

    // Started side by side (the JVM is slow); whichever started is stopped again if the other failed.
    const [s3Started, dynamoStarted] = await Promise.allSettled([
      startLocalS3({
        directory: ephemeral ? undefined : join(stateDir, "s3"),
        buckets: [...buckets],
        port: options.ports?.s3,
        region: service.region,
      }),
      startDynamoDbLocal({
        path: ephemeral ? undefined : join(stateDir, "dynamodb"),
        port: options.ports?.dynamodb,
      }),
    ]);
    if (s3Started.status === "fulfilled") stops.push(() => s3Started.value.stop());
    if (dynamoStarted.status === "fulfilled") stops.push(() => dynamoStarted.value.stop());
    if (s3Started.status === "rejected") throw s3Started.reason;
    if (dynamoStarted.status === "rejected") throw dynamoStarted.reason;
    const s3 = s3Started.value;
    const dynamo = dynamoStarted.value;

    const eventBusNames = new Set<string>();
    for (const fn of service.functions)
      for (const t of fn.triggers) if (t.kind === "eventBridge") eventBusNames.add(t.eventBus);
    const bus: EventBusServer = await startEventBus({
      port: options.ports?.bus,
      // Kept with the rest of the state, so that `skiff events --follow` resumes across a restart.
      historyFile: ephemeral ? undefined : join(stateDir, "bus", "history.jsonl"),
      region: service.region,
      buses: [...eventBusNames],
      webhooks: options.webhooks,
      retryDelaysMs: options.delivery?.retryDelaysMs ?? DELIVERY_DELAYS_MS,
      // The dead-letter queue, and every delivery until its target took it: a kill loses no event.
      queueDir: join(stateDir, "bus"),
      log,
    });
    stops.push(() => bus.stop());

    const env = handlerEnvironment(
      service,
      { s3: s3.endpoint, dynamodb: dynamo.endpoint, bus: bus.endpoint },
      log,
    );
    const logLevel = process.env.POWERTOOLS_LOG_LEVEL ?? options.handlerLogLevel;
    if (logLevel !== undefined) env.POWERTOOLS_LOG_LEVEL = logLevel;
    const eventBus = env.SKIFF_EVENT_BUS ?? "default";
    // The bus the handlers publish to must exist even if no rule listens on it.
    bus.router.addBus(eventBus);
    const bucket = env.SKIFF_BUCKET ?? [...buckets][0];
    if (!bucket)
      throw new LocalStackError(`${serverlessFile}: no bucket found (SKIFF_BUCKET or an s3 trigger)`);

    // Tables from serverless.yml's resources, created as CloudFormation would.
    const dynamoClient = new DynamoDBClient({
      region: service.region,
      credentials: LOCAL_CREDENTIALS,
      endpoint: dynamo.endpoint,
    });
    stops.push(() => dynamoClient.destroy());
    const tables = Object.entries(service.resources).filter(([, r]) => r.Type === "AWS::DynamoDB::Table");
    for (const [logicalId, resource] of tables) {
      await ensureTable(
        dynamoClient,
        createTableInput(localResourceName(service, logicalId), resource.Properties ?? {}),
      );
    }

    const restoreEnv = applyEnvironment(env);
    stops.push(restoreEnv);

    const s3Client = createS3Client(s3.endpoint, { region: service.region });
    stops.push(() => s3Client.destroy());
    // The process-wide local engine, created here with the stack's settings before any handler asks for it
    // (handlers with SKIFF_ENGINE=local get the same instance from lib/engine). Its work directory is under the
    // state directory (see engineDir above), never the engine's default: a directory in the OS temp dir that
    // nothing removes.
    await resetSharedLocalEngine();
    const engine = sharedLocalEngine({
      namespace: env.SKIFF_NAMESPACE,
      workDir: engineDir,
      artifacts: new S3ArtifactStore({ bucket, client: s3Client }),
      // Its workflows outlive the process, as Argo's live in the cluster: the watcher finds each one's true end.
      stateDir: join(stateDir, "workflows"),
      clusterTemplates: env.SKIFF_CLUSTER_TEMPLATES === "true",
    });
    stops.push(() => resetSharedLocalEngine());
    // The build function's warm type checker (a worker and a tsc child), if a build started it.
    stops.push(() => closeSharedTypecheckSession());

    const loaded = typeof options.handlers === "function" ? await options.handlers() : options.handlers;
    const handlerOf = (fn: FunctionDefinition): LambdaHandler => {
      const handler = loaded[fn.name];
      if (typeof handler !== "function") {
        throw new LocalStackError(
          `serverless.yml defines function "${fn.name}" (${fn.handler}) but the handlers export none by that name`,
        );
      }
      return handler;
    };
    const retryDelayMs = options.retryDelayMs ?? 1000;

    // S3 notifications → functions, as S3 would invoke them (asynchronously, with Lambda's retries).
    const pending = new Set<Promise<void>>();
    const track = (work: Promise<void>) => {
      pending.add(work);
      work.finally(() => pending.delete(work));
    };
    const s3Triggers = service.functions.flatMap((fn) =>
      fn.triggers.flatMap((t) => (t.kind === "s3" ? [{ fn, trigger: t, handler: handlerOf(fn) }] : [])),
    );
    s3.events.on("event", (event) => {
      for (const record of event.Records) {
        for (const { fn, trigger, handler } of s3Triggers) {
          if (s3TriggerMatches(trigger, record)) {
            track(invokeAsync(fn, handler, { Records: [record] }, { retryDelayMs, log }));
          }
        }
      }
    });

    // EventBridge rules → functions.
    for (const fn of service.functions) {
      fn.triggers.forEach((trigger, index) => {
        if (trigger.kind !== "eventBridge") return;
        const handler = handlerOf(fn);
        bus.router.addRule({
          name: `${fn.name}-rule-${index + 1}`,
          eventBus: trigger.eventBus,
          pattern: trigger.pattern,
          target: (event) => invoke(fn, handler, event),
          maximumRetryAttempts: trigger.maximumRetryAttempts,
          maximumEventAgeMs:
            trigger.maximumEventAge === undefined ? undefined : trigger.maximumEventAge * 1000,
        });
      });
    }
    // What the last session left undelivered or parked goes out now that the targets are wired, then on a period.
    void bus.router.redrive();
    bus.router.startRedrive(options.delivery?.redriveIntervalMs ?? REDRIVE_INTERVAL_MS);

    const idle = async () => {
      for (;;) {
        await bus.router.idle();
        if (pending.size === 0) break;
        await Promise.allSettled([...pending]);
      }
    };

    // The engine's change feed → status-change events on the Skiff bus (the watcher's trigger).
    const feed = startEngineFeed({ engine, router: bus.router, eventBus, log });
    stops.push(() => feed.stop());
    // On stop, running workflows are terminated first, while the feed, the bus and DynamoDB still run, so that
    // the watcher records them as Terminated (bounded: a stuck delivery must not hold the shutdown).
    stops.push(async () => {
      await engine.close();
      await feed.flush();
      await Promise.race([idle(), new Promise((resolve) => setTimeout(resolve, STOP_DRAIN_MS).unref())]);
    });

    // Schedules (the watcher's sweep).
    const jobs: ScheduledJob[] = service.functions.flatMap((fn) =>
      fn.triggers.flatMap((trigger, index) => {
        if (trigger.kind !== "schedule" || !trigger.enabled) return [];
        const handler = handlerOf(fn);
        const ruleName = `${service.service}-${service.stage}-${fn.name}-schedule-${index + 1}`;
        return [
          {
            name: ruleName,
            expression: trigger.expression,
            run: () =>
              invokeAsync(
                fn,
                handler,
                trigger.input ?? scheduledEvent(ruleName, new Date(), service.region),
                { retryDelayMs, log },
              ),
          },
        ];
      }),
    );
    const scheduler = new Scheduler(jobs, options.scheduleIntervalMs);
    if (options.schedules ?? true) scheduler.start();
    stops.push(() => scheduler.stop());

    // The HTTP API: serverless.yml's routes, which are AWS_IAM in every deployed stage, served here without
    // credentials on 127.0.0.1 only (the one place they go unauthenticated), each request as the `local` caller.
    const routes: HttpRoute[] = service.functions.flatMap((fn) =>
      fn.triggers.flatMap((trigger) => {
        if (trigger.kind !== "httpApi") return [];
        const handler = handlerOf(fn);
        return [
          {
            method: trigger.method,
            path: trigger.path,
            invoke: (event) => invoke(fn, handler, asLocalCaller(event)),
          },
        ];
      }),
    );
    // The dashboard's page and assets at `/` (no API route is there): a browser app reading the same API.
    const api: HttpApiServer = await startHttpApi({
      routes,
      port: options.ports?.api,
      log,
      fallback: dashboardAssets(),
    });
    stops.push(() => api.stop());

    const examples = options.uploadExamples === false ? [] : await uploadExamples(root, bucket, s3Client);
    await idle();
    // One sweep right away rather than a schedule period later: runs left unfinished by the previous session
    // (which the engine ended as lost when it restored them) are settled as soon as the stack is up.
    if (options.schedules ?? true) void scheduler.fireAll();

    const stack: Stack = {
      apiUrl: api.url,
      s3Endpoint: s3.endpoint,
      dynamodbEndpoint: dynamo.endpoint,
      busUrl: bus.endpoint,
      bucket,
      table: env.SKIFF_TABLE ?? "",
      eventBus,
      region: service.region,
      stage: service.stage,
      env,
      service,
      engine,
      router: bus.router,
      s3,
      examples,
      processes: { s3: s3.pid, dynamodb: dynamo.pid },
      runSchedules: () => scheduler.fireAll(),
      idle,
      stop: stopAll,
    };

    if (!ephemeral) {
      const file = join(stateDir, STACK_FILE);
      writeFileSync(
        file,
        `${JSON.stringify(
          {
            pid: process.pid,
            startedAt: new Date().toISOString(),
            apiUrl: stack.apiUrl,
            s3Endpoint: stack.s3Endpoint,
            dynamodbEndpoint: stack.dynamodbEndpoint,
            busUrl: stack.busUrl,
            bucket: stack.bucket,
            table: stack.table,
            eventBus: stack.eventBus,
            region: stack.region,
            // Fake, and what the stack's servers accept: clients sign with these (see lib/client/endpoints.ts).
            credentials: LOCAL_CREDENTIALS,
            stage: stack.stage,
            processes: stack.processes,
          },
          null,
          2,
        )}\n`,
      );
      // First in the reversed stop order: clients stop finding a stack that is going away.
      stops.push(() => rmSync(file, { force: true }));
    }
    return stack;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Uploads `examples/<name>/pipeline.ts` as `pipelines/<name>.ts`; the S3 notification builds each. */
async function uploadExamples(
  root: string,
  bucket: string,
  client: ReturnType<typeof createS3Client>,
): Promise<string[]> {
  const dir = join(root, "examples");
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "pipeline.ts")))
    .map((entry) => entry.name)
    .sort();
  for (const name of names) {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `pipelines/${name}.ts`,
        Body: readFileSync(join(dir, name, "pipeline.ts")),
        ContentType: "text/plain; charset=utf-8",
      }),
    );
  }
  return names;
}
