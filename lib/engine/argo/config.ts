import { EngineError } from "../errors";
import type { ClusterAccess } from "./cluster";

/** Everything the Argo engine needs, resolved from configuration. */
export interface ArgoEngineConfig {
  cluster: ClusterAccess;
  /** Namespace of the workflows. Default "default". */
  namespace?: string;
  /** Argo controller instance id (label `workflows.argoproj.io/controller-instanceid`). */
  instanceId?: string;
  /** Argo Server base URL; control actions go through its REST API when set. */
  argoServerUrl?: string;
  /** Bearer token for Argo Server. */
  argoServerToken?: string;
  /** Per-request time limit. Default 15 s. */
  requestTimeoutMs?: number;
}

type Env = Record<string, string | undefined>;

/**
 * Reads the Argo engine's configuration from the environment. Cluster access, first match wins:
 * `SKIFF_KUBE_SERVER` (+ `SKIFF_KUBE_TOKEN`, `SKIFF_KUBE_CA_DATA`, `SKIFF_KUBE_INSECURE=true`);
 * `SKIFF_EKS_CLUSTER` (+ `AWS_REGION`); `SKIFF_KUBECONFIG` or `KUBECONFIG` (+ `SKIFF_KUBE_CONTEXT`);
 * in-cluster when `KUBERNETES_SERVICE_HOST` is set.
 */
export function argoConfigFromEnv(env: Env = process.env): ArgoEngineConfig {
  return { cluster: clusterAccessFromEnv(env), ...argoSettingsFromEnv(env) };
}

/** Everything but cluster access: `SKIFF_NAMESPACE`, `SKIFF_CONTROLLER_INSTANCE_ID`, `ARGO_SERVER_URL`, `ARGO_TOKEN`, `SKIFF_KUBE_TIMEOUT_MS`. */
export function argoSettingsFromEnv(env: Env = process.env): Omit<ArgoEngineConfig, "cluster"> {
  const timeout = env.SKIFF_KUBE_TIMEOUT_MS ? Number(env.SKIFF_KUBE_TIMEOUT_MS) : undefined;
  if (timeout !== undefined && !(timeout > 0)) {
    throw new EngineError(
      `SKIFF_KUBE_TIMEOUT_MS must be a positive number of milliseconds, got "${env.SKIFF_KUBE_TIMEOUT_MS}"`,
    );
  }
  return {
    namespace: env.SKIFF_NAMESPACE || "default",
    instanceId: env.SKIFF_CONTROLLER_INSTANCE_ID || undefined,
    argoServerUrl: env.ARGO_SERVER_URL || undefined,
    argoServerToken: env.ARGO_TOKEN || undefined,
    requestTimeoutMs: timeout,
  };
}

export function clusterAccessFromEnv(env: Env = process.env): ClusterAccess {
  if (env.SKIFF_KUBE_SERVER) {
    const token = env.SKIFF_KUBE_TOKEN;
    return {
      mode: "server",
      server: env.SKIFF_KUBE_SERVER,
      token: token ? { token: async () => token } : undefined,
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
  throw new EngineError(
    "SKIFF_ENGINE=argo needs cluster access: set SKIFF_EKS_CLUSTER (and AWS_REGION), KUBECONFIG, or SKIFF_KUBE_SERVER; or run inside the cluster",
  );
}
