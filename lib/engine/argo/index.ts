import { ArgoServerClient } from "./argo-server";
import { connectCluster } from "./cluster";
import type { ArgoEngineConfig } from "./config";
import { DeferredTransport } from "./deferred-transport";
import { ArgoEngine, type ArgoEngineOptions } from "./engine";
import { KubeTransport } from "./kube-transport";

export { ArgoServerClient } from "./argo-server";
export { type BearerTokenProvider, type ClusterAccess, connectCluster, describeEksCluster } from "./cluster";
export { type ArgoEngineConfig, argoEngineConfig, clusterAccess } from "./config";
export { createEksToken, decodeEksToken, EksTokenSource } from "./eks-token";
export { ArgoEngine, type ArgoEngineOptions, isCompleted } from "./engine";
export { KubeTransport } from "./kube-transport";
export * from "./sweep";

/** An Argo engine for the configuration; the cluster is contacted on first use. */
export function createArgoEngine(
  config: ArgoEngineConfig,
  options: Partial<ArgoEngineOptions> = {},
): ArgoEngine {
  const transport = new DeferredTransport(
    async () =>
      new KubeTransport(await connectCluster(config.cluster), { requestTimeoutMs: config.requestTimeoutMs }),
  );
  return new ArgoEngine(transport, {
    namespace: config.namespace,
    instanceId: config.instanceId,
    clusterTemplates: config.clusterTemplates ?? false,
    ...(config.argoServerUrl
      ? {
          argoServer: new ArgoServerClient({
            url: config.argoServerUrl,
            token: config.argoServerToken,
            requestTimeoutMs: config.requestTimeoutMs,
          }),
        }
      : {}),
    ...options,
  });
}
