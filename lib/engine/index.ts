import { createArgoEngine } from "./argo";
import type { ClusterAccess } from "./argo/cluster";
import { argoSettingsFromEnv, clusterAccessFromEnv } from "./argo/config";
import type { Engine, EngineKind } from "./engine";
import { LocalEngine, type LocalEngineOptions } from "./local";

export type { Engine, EngineKind } from "./engine";

/** The engine part of the configuration (compatible with `SkiffConfig["engine"]` from lib/config.ts). */
export interface EngineConfig {
  kind: EngineKind;
  /** Namespace of the workflows. Default "default". */
  namespace?: string;
  /** EKS cluster name (argo); cluster access otherwise comes from the environment (see argoConfigFromEnv). */
  eksCluster?: string;
  /** Argo controller instance id (argo). */
  controllerInstanceId?: string;
  /** Argo Server URL: control actions through its REST API (argo). */
  argoServerUrl?: string;
  /** Explicit cluster access (argo); overrides `eksCluster` and the environment. */
  cluster?: ClusterAccess;
  /** Options of the process-wide local engine, used when it is first created (local). */
  local?: LocalEngineOptions;
}

let sharedLocal: LocalEngine | undefined;

/** The process-wide local engine: every handler in this process sees the same runs. */
export function sharedLocalEngine(options?: LocalEngineOptions): LocalEngine {
  sharedLocal ??= new LocalEngine(options);
  return sharedLocal;
}

/** Forgets (and closes) the process-wide local engine, e.g. between tests or at stack shutdown. */
export async function resetSharedLocalEngine(): Promise<void> {
  const engine = sharedLocal;
  sharedLocal = undefined;
  await engine?.close();
}

/** The engine for a configuration: the shared local engine, or an Argo engine (connected on first use). */
export function createEngine(
  config: EngineConfig,
  env: Record<string, string | undefined> = process.env,
): Engine {
  if (config.kind === "local") return sharedLocalEngine({ namespace: config.namespace, ...config.local });
  return createArgoEngine({
    ...argoSettingsFromEnv(env),
    cluster: config.cluster ?? clusterFor(config, env),
    ...(config.namespace ? { namespace: config.namespace } : {}),
    ...(config.controllerInstanceId ? { instanceId: config.controllerInstanceId } : {}),
    ...(config.argoServerUrl ? { argoServerUrl: config.argoServerUrl } : {}),
  });
}

/**
 * Cluster access: an explicit API server (`SKIFF_KUBE_SERVER`, for proxies and tests) wins, then the
 * configured EKS cluster, then the environment (kubeconfig, in-cluster).
 */
function clusterFor(config: EngineConfig, env: Record<string, string | undefined>): ClusterAccess {
  if (env.SKIFF_KUBE_SERVER || !config.eksCluster) return clusterAccessFromEnv(env);
  return { mode: "eks", cluster: config.eksCluster, region: env.AWS_REGION || env.AWS_DEFAULT_REGION };
}

/** `SKIFF_ENGINE` (local|argo, default local) and the variables of `argoConfigFromEnv`. */
export function createEngineFromEnv(env: Record<string, string | undefined> = process.env): Engine {
  const kind = env.SKIFF_ENGINE ?? "local";
  if (kind !== "local" && kind !== "argo") {
    throw new Error(`SKIFF_ENGINE must be "local" or "argo", got "${kind}"`);
  }
  if (kind === "local") return createEngine({ kind, namespace: env.SKIFF_NAMESPACE || undefined }, env);
  return createEngine({ kind, eksCluster: env.SKIFF_EKS_CLUSTER || undefined }, env);
}
