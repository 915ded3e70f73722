/**
 * Environment → typed configuration, shared by every handler, the CLI and the local stack.
 *
 * AWS endpoints are NOT configured here: the SDK reads its own `AWS_ENDPOINT_URL_S3`,
 * `AWS_ENDPOINT_URL_DYNAMODB` and `AWS_ENDPOINT_URL_EVENTBRIDGE` variables, so the same handler code
 * talks to AWS in the cloud and to the embedded servers locally.
 */
import { z } from "zod";
import type { ExitNotifierOptions } from "./compiler/exit-notifier";
import { ENV_GLOB } from "./runs/env-policy";
import { OverrideError, parseProfiles as validateProfiles } from "./runs/overrides";

export class ConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigError";
  }
}

/** A named set of run-time overrides (validated by lib/runs when applied). */
export type OverrideProfile = Record<string, unknown>;

export interface Limits {
  /** Largest accepted HTTP request body, in bytes. */
  maxBodyBytes: number;
  /** Deepest nesting of objects and arrays in a JSON request body, checked before it is parsed. */
  maxBodyDepth: number;
  /** Most parameters one run request may carry. */
  maxParameters: number;
  /** Longest parameter value, in bytes. */
  maxParameterValueBytes: number;
  /** Largest pipeline source the build accepts, in bytes. */
  maxSourceBytes: number;
  /** Most sibling files one build may read. */
  maxSourceFiles: number;
  /** Largest page size for list endpoints. */
  maxPageSize: number;
  /** Default page size for list endpoints. */
  defaultPageSize: number;
  /** Wall-time limit of one pipeline's evaluation in a build, in ms; undefined: the sandbox's default (30 s). */
  buildTimeoutMs?: number;
  /**
   * How long a run's workflow may go without a status before the watcher's sweep closes the run as `Error`, in
   * ms (`SKIFF_NO_STATUS_TIMEOUT_SECONDS`, default 300 s).
   */
  noStatusTimeoutMs: number;
}

/**
 * How the Argo engine reaches the Kubernetes API server, as configured (plain data; lib/engine/argo turns it
 * into a connection). First match wins: `SKIFF_KUBE_SERVER` (+ `SKIFF_KUBE_TOKEN`, `SKIFF_KUBE_CA_DATA`,
 * `SKIFF_KUBE_INSECURE=true`); `SKIFF_EKS_CLUSTER` (+ `AWS_REGION`); `SKIFF_KUBECONFIG` or `KUBECONFIG`
 * (+ `SKIFF_KUBE_CONTEXT`); in-cluster when `KUBERNETES_SERVICE_HOST` is set.
 */
export type ClusterSettings =
  | { mode: "server"; server: string; token?: string; caData?: string; skipTLSVerify: boolean }
  | { mode: "eks"; cluster: string; region?: string }
  | { mode: "kubeconfig"; path: string; context?: string }
  | { mode: "in-cluster" };

export interface EngineSettings {
  kind: "local" | "argo";
  /**
   * SKIFF_NAMESPACES: other namespaces a spec's `metadata.namespace` may name (comma-separated); `namespace`
   * is always allowed. Anything else is refused at build and at submit (lib/compiler/lint/namespaces.ts).
   */
  namespaces?: string[];
  /** Kubernetes namespace of the workflows (also the local engine's namespace). */
  namespace: string;
  /** EKS cluster name (argo engine). */
  eksCluster?: string;
  /** Argo's controller instance id, when the cluster runs several controllers. */
  controllerInstanceId?: string;
  /** Argo Server base URL, when the REST API is used instead of the Kubernetes API. */
  argoServerUrl?: string;
  /** Bearer token for Argo Server (`ARGO_TOKEN`). */
  argoServerToken?: string;
  /** Per-request time limit of the Kubernetes and Argo Server clients (`SKIFF_KUBE_TIMEOUT_MS`, default 15 s). */
  requestTimeoutMs?: number;
  /** Cluster access (argo engine); undefined when the environment names none. */
  cluster?: ClusterSettings;
  /**
   * Whether pushed ClusterWorkflowTemplates are installed and `clusterScope` references allowed
   * (`SKIFF_CLUSTER_TEMPLATES`, default false: they are cluster-wide, beyond the namespace Skiff owns).
   */
  clusterTemplates?: boolean;
}

export interface SkiffConfig {
  /** Deployment stage (`local`, `dev`, `prod`). */
  stage: string;
  region: string;
  /** The pipelines bucket: sources, specs, artifacts, logs. */
  bucket: string;
  /** The single DynamoDB table of lib/adapters/dynamodb/table.json. */
  table: string;
  /** Name of the Skiff event bus. */
  eventBus: string;
  engine: EngineSettings;
  /**
   * The exit notifier the build adds to every spec on the argo engine (its completions reach the bus from the
   * cluster); undefined on the local engine, whose completions come from its change feed.
   */
  notifier?: ExitNotifierOptions;
  /** Named override sets a run request may select with `profile`. */
  profiles: Record<string, OverrideProfile>;
  /** What every run request may override beyond the fixed allow-list of lib/runs/overrides.ts. */
  overrides: {
    /**
     * `SKIFF_OVERRIDE_ENV_ALLOW`: comma-separated globs of environment variable names a request may set in
     * `overrides.env` (e.g. `APP_*,LOG_LEVEL`). Default: none, so a deployment opts in to the names its
     * pipelines read. Names that change how a program starts or loads code (lib/runs/env-policy.ts) are
     * refused whatever this says.
     */
    envAllow: string[];
    /**
     * `SKIFF_OVERRIDE_SECRETS`: comma-separated Secret names any request may name in `overrides.secrets` or a
     * secret volume. Default: none; a profile's `allow.secrets` grants more to requests that select it.
     */
    secrets: string[];
  };
  limits: Limits;
  /** True when an endpoint override points the S3 client at a local server (path-style addressing). */
  s3PathStyle: boolean;
  /**
   * How `GET /runs/{runId}/steps/{stepId}/artifacts/{name}` answers (SKIFF_ARTIFACT_DOWNLOAD): `presigned`, a
   * short-lived presigned S3 URL (the default on AWS: the bytes never pass through Lambda's 6 MB response), or
   * `bytes`, the object itself (the default when S3 is a local server, whose URLs the caller may not reach).
   * SKIFF_ARTIFACT_URL_TTL_SECONDS: how long a presigned URL lives, default 300.
   */
  artifacts: { download: "presigned" | "bytes"; urlTtlSeconds: number };
  /**
   * Which Kubernetes service accounts specs may run as (SKIFF_SERVICE_ACCOUNTS, comma-separated; default only
   * `default`), and the exit notifier's (SKIFF_NOTIFIER_SERVICE_ACCOUNT, default `skiff-notifier`), which no
   * spec may name: checked at build and again at submit (lib/compiler/lint/service-accounts.ts).
   */
  serviceAccounts: ServiceAccounts;
  /**
   * The build function type-checks uploads with TypeScript's native compiler (SKIFF_TYPECHECK, default
   * true). `false` only saves its time: type errors then surface only where evaluation trips over them.
   */
  typecheck: boolean;
}

export interface ServiceAccounts {
  allowed: string[];
  notifier: string;
}

export const defaultServiceAccounts: ServiceAccounts = { allowed: ["default"], notifier: "skiff-notifier" };

export const defaultLimits: Limits = {
  maxBodyBytes: 256 * 1024,
  maxBodyDepth: 32,
  maxParameters: 100,
  maxParameterValueBytes: 64 * 1024,
  maxSourceBytes: 1024 * 1024,
  maxSourceFiles: 200,
  maxPageSize: 100,
  defaultPageSize: 20,
  noStatusTimeoutMs: 300_000,
};

const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  SKIFF_STAGE: z.string().min(1).default("local"),
  AWS_REGION: z.string().min(1).optional(),
  AWS_DEFAULT_REGION: z.string().min(1).optional(),
  SKIFF_BUCKET: z.string().min(3, "SKIFF_BUCKET must name the pipelines bucket"),
  SKIFF_TABLE: z.string().min(3, "SKIFF_TABLE must name the DynamoDB table"),
  SKIFF_EVENT_BUS: z.string().min(1).default("skiff"),
  SKIFF_ENGINE: z.enum(["local", "argo"]).default("local"),
  SKIFF_NAMESPACE: z.string().min(1).default("default"),
  SKIFF_EKS_CLUSTER: z.string().min(1).optional(),
  SKIFF_CONTROLLER_INSTANCE_ID: z.string().min(1).optional(),
  ARGO_SERVER_URL: z.url().optional(),
  SKIFF_PROFILES: z.string().optional(),
  SKIFF_OVERRIDE_ENV_ALLOW: z.string().optional(),
  SKIFF_OVERRIDE_SECRETS: z.string().optional(),
  SKIFF_MAX_BODY_BYTES: positiveInt.optional(),
  SKIFF_MAX_BODY_DEPTH: positiveInt.optional(),
  SKIFF_MAX_PARAMETERS: positiveInt.optional(),
  SKIFF_MAX_PARAMETER_VALUE_BYTES: positiveInt.optional(),
  SKIFF_MAX_SOURCE_BYTES: positiveInt.optional(),
  SKIFF_MAX_SOURCE_FILES: positiveInt.optional(),
  SKIFF_MAX_PAGE_SIZE: positiveInt.optional(),
  SKIFF_BUILD_TIMEOUT_MS: positiveInt.optional(),
  AWS_ENDPOINT_URL: z.string().optional(),
  AWS_ENDPOINT_URL_S3: z.string().optional(),
  SKIFF_S3_PATH_STYLE: z.enum(["true", "false"]).optional(),
  SKIFF_TYPECHECK: z.enum(["true", "false"]).default("true"),
  SKIFF_CLUSTER_TEMPLATES: z.enum(["true", "false"]).default("false"),
  SKIFF_SERVICE_ACCOUNTS: z.string().optional(),
  SKIFF_NOTIFIER_SERVICE_ACCOUNT: z.string().optional(),
});

/** A Kubernetes service account name (a DNS-1123 subdomain). */
const SERVICE_ACCOUNT = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `SKIFF_SERVICE_ACCOUNTS` and `SKIFF_NOTIFIER_SERVICE_ACCOUNT`; the notifier's account can never be allowed. */
export function serviceAccounts(env: NodeJS.ProcessEnv = process.env): ServiceAccounts {
  const notifier = env.SKIFF_NOTIFIER_SERVICE_ACCOUNT?.trim() || defaultServiceAccounts.notifier;
  const raw = env.SKIFF_SERVICE_ACCOUNTS;
  const allowed =
    raw === undefined
      ? defaultServiceAccounts.allowed
      : raw
          .split(",")
          .map((name) => name.trim())
          .filter(Boolean);
  for (const [variable, names] of [
    ["SKIFF_SERVICE_ACCOUNTS", allowed],
    ["SKIFF_NOTIFIER_SERVICE_ACCOUNT", [notifier]],
  ] as const) {
    const bad = names.filter((name) => name.length > 253 || !SERVICE_ACCOUNT.test(name));
    if (bad.length > 0)
      throw new ConfigError(`${variable}: ${bad.join(", ")}: not a Kubernetes service account name`);
  }
  if (allowed.includes(notifier)) {
    throw new ConfigError(
      `SKIFF_SERVICE_ACCOUNTS: ${notifier} is the exit notifier's service account (SKIFF_NOTIFIER_SERVICE_ACCOUNT); specs may never run as it`,
    );
  }
  return { allowed: [...allowed], notifier };
}

const PROFILE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const profilesSchema = z.record(z.string(), z.record(z.string(), z.unknown()));

function parseProfiles(raw: string | undefined): Record<string, OverrideProfile> {
  if (!raw) return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw new ConfigError("SKIFF_PROFILES is not valid JSON", { cause });
  }
  const parsed = profilesSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(`SKIFF_PROFILES: ${formatIssues(parsed.error)}`, { cause: parsed.error });
  }
  const badNames = Object.keys(parsed.data).filter((name) => !PROFILE_NAME.test(name));
  if (badNames.length > 0) {
    throw new ConfigError(`SKIFF_PROFILES: ${badNames.join(", ")}: profile names are lowercase DNS labels`);
  }
  try {
    validateProfiles(parsed.data);
  } catch (error) {
    if (error instanceof OverrideError)
      throw new ConfigError(`SKIFF_PROFILES: ${error.message}`, { cause: error });
    throw error;
  }
  return parsed.data;
}

/** A comma-separated list; blanks around items and empty items are ignored. */
function list(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

const SECRET_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function parseOverridePolicy(env: { SKIFF_OVERRIDE_ENV_ALLOW?: string; SKIFF_OVERRIDE_SECRETS?: string }) {
  const envAllow = list(env.SKIFF_OVERRIDE_ENV_ALLOW);
  const badGlobs = envAllow.filter((glob) => !ENV_GLOB.test(glob));
  if (badGlobs.length > 0) {
    throw new ConfigError(
      `SKIFF_OVERRIDE_ENV_ALLOW: ${badGlobs.join(", ")}: expected variable names, * matching any characters`,
    );
  }
  const secrets = list(env.SKIFF_OVERRIDE_SECRETS);
  const badSecrets = secrets.filter((name) => !SECRET_NAME.test(name));
  if (badSecrets.length > 0) {
    throw new ConfigError(`SKIFF_OVERRIDE_SECRETS: ${badSecrets.join(", ")}: expected Secret names`);
  }
  return { envAllow, secrets };
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
}

/** Reads the configuration from an environment (default `process.env`); throws `ConfigError` naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SkiffConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${formatIssues(parsed.error)}`);
  const e = parsed.data;
  const maxPageSize = e.SKIFF_MAX_PAGE_SIZE ?? defaultLimits.maxPageSize;
  return {
    stage: e.SKIFF_STAGE,
    region: e.AWS_REGION ?? e.AWS_DEFAULT_REGION ?? "us-east-1",
    bucket: e.SKIFF_BUCKET,
    table: e.SKIFF_TABLE,
    eventBus: e.SKIFF_EVENT_BUS,
    engine: {
      kind: e.SKIFF_ENGINE,
      namespace: e.SKIFF_NAMESPACE,
      namespaces: [
        ...new Set([
          e.SKIFF_NAMESPACE,
          ...(env.SKIFF_NAMESPACES ?? "")
            .split(",")
            .map((n) => n.trim())
            .filter(Boolean),
        ]),
      ],
      eksCluster: e.SKIFF_EKS_CLUSTER,
      controllerInstanceId: e.SKIFF_CONTROLLER_INSTANCE_ID,
      argoServerUrl: e.ARGO_SERVER_URL,
      argoServerToken: env.ARGO_TOKEN || undefined,
      requestTimeoutMs: positiveNumber(env, "SKIFF_KUBE_TIMEOUT_MS", "milliseconds"),
      cluster: clusterSettings(env),
      clusterTemplates: e.SKIFF_CLUSTER_TEMPLATES === "true",
    },
    notifier: notifierSettings(env),
    profiles: parseProfiles(e.SKIFF_PROFILES),
    overrides: parseOverridePolicy(e),
    limits: {
      ...defaultLimits,
      maxBodyBytes: e.SKIFF_MAX_BODY_BYTES ?? defaultLimits.maxBodyBytes,
      maxBodyDepth: e.SKIFF_MAX_BODY_DEPTH ?? defaultLimits.maxBodyDepth,
      maxParameters: e.SKIFF_MAX_PARAMETERS ?? defaultLimits.maxParameters,
      maxParameterValueBytes: e.SKIFF_MAX_PARAMETER_VALUE_BYTES ?? defaultLimits.maxParameterValueBytes,
      maxSourceBytes: e.SKIFF_MAX_SOURCE_BYTES ?? defaultLimits.maxSourceBytes,
      maxSourceFiles: e.SKIFF_MAX_SOURCE_FILES ?? defaultLimits.maxSourceFiles,
      maxPageSize,
      defaultPageSize: Math.min(defaultLimits.defaultPageSize, maxPageSize),
      buildTimeoutMs: e.SKIFF_BUILD_TIMEOUT_MS,
      noStatusTimeoutMs: noStatusTimeoutMs(env),
    },
    s3PathStyle:
      e.SKIFF_S3_PATH_STYLE !== undefined
        ? e.SKIFF_S3_PATH_STYLE === "true"
        : Boolean(e.AWS_ENDPOINT_URL_S3 ?? e.AWS_ENDPOINT_URL),
    typecheck: e.SKIFF_TYPECHECK === "true",
    serviceAccounts: serviceAccounts(env),
    artifacts: artifactSettings(env),
  };
}

/**
 * `SKIFF_BUILD_TIMEOUT_MS`: the build's time limit alone, for the `skiff build` CLI, which has no bucket or
 * table to configure (the build function reads it through `loadConfig`'s limits). Undefined when unset.
 */
export function buildTimeoutMs(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const parsed = envSchema.shape.SKIFF_BUILD_TIMEOUT_MS.safeParse(env.SKIFF_BUILD_TIMEOUT_MS);
  if (!parsed.success) throw new ConfigError(`SKIFF_BUILD_TIMEOUT_MS: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

function artifactSettings(env: NodeJS.ProcessEnv): SkiffConfig["artifacts"] {
  const mode = env.SKIFF_ARTIFACT_DOWNLOAD || undefined;
  if (mode !== undefined && mode !== "presigned" && mode !== "bytes") {
    throw new ConfigError(`SKIFF_ARTIFACT_DOWNLOAD must be "presigned" or "bytes", got "${mode}"`);
  }
  const localS3 = Boolean(env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL);
  return {
    download: mode ?? (localS3 ? "bytes" : "presigned"),
    urlTtlSeconds: positiveNumber(env, "SKIFF_ARTIFACT_URL_TTL_SECONDS", "seconds") ?? 300,
  };
}

/** An optional positive number (blank is unset), named with its unit when it is not one. */
function positiveNumber(env: NodeJS.ProcessEnv, name: string, unit: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive number of ${unit}, got "${raw}"`);
  }
  return value;
}

/** `SKIFF_NO_STATUS_TIMEOUT_SECONDS` in ms (the watcher's part of the limits). */
export function noStatusTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = positiveNumber(env, "SKIFF_NO_STATUS_TIMEOUT_SECONDS", "seconds");
  return seconds === undefined ? defaultLimits.noStatusTimeoutMs : seconds * 1000;
}

/** The Argo engine's cluster access (see `ClusterSettings` for the order); undefined when none is named. */
export function clusterSettings(env: NodeJS.ProcessEnv = process.env): ClusterSettings | undefined {
  if (env.SKIFF_KUBE_SERVER) {
    return {
      mode: "server",
      server: env.SKIFF_KUBE_SERVER,
      token: env.SKIFF_KUBE_TOKEN || undefined,
      caData: env.SKIFF_KUBE_CA_DATA || undefined,
      skipTLSVerify: env.SKIFF_KUBE_INSECURE === "true",
    };
  }
  if (env.SKIFF_EKS_CLUSTER) {
    return { mode: "eks", cluster: env.SKIFF_EKS_CLUSTER, region: env.AWS_REGION || env.AWS_DEFAULT_REGION };
  }
  const kubeconfig = env.SKIFF_KUBECONFIG || env.KUBECONFIG;
  if (kubeconfig)
    return { mode: "kubeconfig", path: kubeconfig, context: env.SKIFF_KUBE_CONTEXT || undefined };
  if (env.KUBERNETES_SERVICE_HOST) return { mode: "in-cluster" };
  return undefined;
}

/**
 * The exit notifier's options: `SKIFF_EVENT_BUS` (required), `SKIFF_NOTIFIER_SERVICE_ACCOUNT`,
 * `SKIFF_NOTIFIER_IMAGE`, `AWS_REGION`. Undefined unless `SKIFF_ENGINE=argo`.
 */
export function notifierSettings(env: NodeJS.ProcessEnv = process.env): ExitNotifierOptions | undefined {
  if (env.SKIFF_ENGINE !== "argo" || !env.SKIFF_EVENT_BUS) return undefined;
  return {
    eventBusName: env.SKIFF_EVENT_BUS,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
    image: env.SKIFF_NOTIFIER_IMAGE || undefined,
    serviceAccountName: env.SKIFF_NOTIFIER_SERVICE_ACCOUNT || undefined,
  };
}

let cached: SkiffConfig | undefined;

/** The process-wide configuration, read once (handlers call this at init). */
export function config(): SkiffConfig {
  cached ??= loadConfig();
  return cached;
}

/** Forgets the cached configuration, and so the dependencies made from it (tests and the local stack change the environment). */
export function resetConfig(): void {
  cached = undefined;
}
