import type { ClusterSettings, EngineSettings } from "../../config";
import { EngineError } from "../../ports/engine-errors";
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
  /** Install ClusterWorkflowTemplates (default false). */
  clusterTemplates?: boolean;
}

/** The Argo engine's configuration from the engine settings of lib/config.ts; explicit `access` wins. */
export function argoEngineConfig(settings: EngineSettings, access?: ClusterAccess): ArgoEngineConfig {
  return {
    cluster: access ?? clusterAccess(settings.cluster),
    namespace: settings.namespace,
    instanceId: settings.controllerInstanceId,
    argoServerUrl: settings.argoServerUrl,
    argoServerToken: settings.argoServerToken,
    requestTimeoutMs: settings.requestTimeoutMs,
    clusterTemplates: settings.clusterTemplates,
  };
}

/** The connection mode for configured cluster access (the server's token becomes a fixed provider). */
export function clusterAccess(settings: ClusterSettings | undefined): ClusterAccess {
  if (settings === undefined) {
    throw new EngineError(
      "SKIFF_ENGINE=argo needs cluster access: set SKIFF_EKS_CLUSTER (and AWS_REGION), KUBECONFIG, or SKIFF_KUBE_SERVER; or run inside the cluster",
    );
  }
  if (settings.mode !== "server") return settings;
  const { token, ...server } = settings;
  return { ...server, token: token ? { token: async () => token } : undefined };
}
