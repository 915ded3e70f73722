import { DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { type Cluster, KubeConfig, type User } from "@kubernetes/client-node";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { EngineAuthError, EngineError } from "../../ports/engine-errors";
import { EksTokenSource } from "./eks-token";

/** Supplies the bearer token for each request; `invalidate` forces a fresh one after a 401. */
export interface BearerTokenProvider {
  token(): Promise<string>;
  invalidate?(): void;
}

/** How the engine reaches the Kubernetes API server. */
export type ClusterAccess =
  | {
      mode: "eks";
      /** EKS cluster name. */
      cluster: string;
      /** Required to connect; lib/config.ts fills it from AWS_REGION / AWS_DEFAULT_REGION. */
      region?: string;
      /** Defaults to the standard AWS credential chain (env, SSO, web identity/IRSA, container, instance). */
      credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
      /** Skips DescribeCluster (e.g. when the endpoint is already known). */
      endpoint?: string;
      /** Base64 PEM CA bundle; used with `endpoint`. */
      caData?: string;
    }
  | {
      mode: "kubeconfig";
      /** Defaults to KUBECONFIG or ~/.kube/config. */
      path?: string;
      /** Defaults to the file's current context. */
      context?: string;
    }
  | { mode: "in-cluster" }
  | {
      /** A server URL with a bearer token (e.g. a test API server or a proxy). */
      mode: "server";
      server: string;
      token?: BearerTokenProvider;
      caData?: string;
      /** Needed for plain `http://` servers. Default false. */
      skipTLSVerify?: boolean;
    };

export interface ClusterConnection {
  kubeConfig: KubeConfig;
  /** Drops cached credentials so the next request gets new ones (after a 401). */
  invalidateCredentials(): void;
  /** Short description for error messages. */
  describe: string;
}

interface ClusterEndpoint {
  endpoint: string;
  caData?: string;
}

/** DescribeCluster results, cached for the life of the container (they do not change for a cluster). */
const describedClusters = new Map<string, Promise<ClusterEndpoint>>();

/** Endpoint and CA of an EKS cluster through DescribeCluster, cached per region and cluster. */
export function describeEksCluster(
  cluster: string,
  region: string,
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider,
): Promise<ClusterEndpoint> {
  const key = `${region}/${cluster}`;
  let cached = describedClusters.get(key);
  if (!cached) {
    cached = describe(cluster, region, credentials);
    describedClusters.set(key, cached);
    // A failure is not cached: the next call tries again.
    cached.catch(() => describedClusters.delete(key));
  }
  return cached;
}

async function describe(
  cluster: string,
  region: string,
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider,
): Promise<ClusterEndpoint> {
  const client = new EKSClient({ region, ...(credentials ? { credentials } : {}) });
  try {
    const { cluster: info } = await client.send(new DescribeClusterCommand({ name: cluster }));
    if (!info?.endpoint) throw new EngineError(`EKS cluster ${cluster} (${region}) has no endpoint yet`);
    return { endpoint: info.endpoint, caData: info.certificateAuthority?.data };
  } catch (cause) {
    if (cause instanceof EngineError) throw cause;
    throw new EngineAuthError(`DescribeCluster ${cluster} in ${region} failed: ${(cause as Error).message}`, {
      cause,
    });
  } finally {
    client.destroy();
  }
}

const TOKEN_USER = "skiff-bearer";

/** Builds a client-node KubeConfig for the access mode, with a refreshing bearer token where needed. */
export async function connectCluster(access: ClusterAccess): Promise<ClusterConnection> {
  const kubeConfig = new KubeConfig();
  switch (access.mode) {
    case "kubeconfig": {
      try {
        if (access.path) kubeConfig.loadFromFile(access.path);
        else kubeConfig.loadFromDefault();
        if (access.context) kubeConfig.setCurrentContext(access.context);
      } catch (cause) {
        throw new EngineError(
          `cannot load kubeconfig ${access.path ?? "(default)"}: ${(cause as Error).message}`,
          {
            cause,
          },
        );
      }
      if (!kubeConfig.getCurrentCluster()) {
        throw new EngineError(`kubeconfig ${access.path ?? "(default)"} has no current cluster`);
      }
      return {
        kubeConfig,
        invalidateCredentials: () => {},
        describe: `kubeconfig ${access.path ?? "(default)"}`,
      };
    }
    case "in-cluster":
      kubeConfig.loadFromCluster();
      return { kubeConfig, invalidateCredentials: () => {}, describe: "in-cluster service account" };
    case "server": {
      const cluster: Cluster = {
        name: "skiff",
        server: access.server.replace(/\/+$/, ""),
        caData: access.caData,
        skipTLSVerify: access.skipTLSVerify ?? false,
      };
      useBearer(kubeConfig, cluster, access.token);
      return {
        kubeConfig,
        invalidateCredentials: () => access.token?.invalidate?.(),
        describe: `API server ${access.server}`,
      };
    }
    case "eks": {
      const region = access.region;
      if (!region) throw new EngineAuthError(`EKS cluster ${access.cluster}: no AWS region (set AWS_REGION)`);
      const credentials = access.credentials ?? fromNodeProviderChain();
      const { endpoint, caData } = access.endpoint
        ? { endpoint: access.endpoint, caData: access.caData }
        : await describeEksCluster(access.cluster, region, credentials);
      const tokens = new EksTokenSource({ cluster: access.cluster, region, credentials });
      useBearer(kubeConfig, { name: access.cluster, server: endpoint, caData, skipTLSVerify: false }, tokens);
      return {
        kubeConfig,
        invalidateCredentials: () => tokens.invalidate(),
        describe: `EKS cluster ${access.cluster} (${region})`,
      };
    }
  }
}

function useBearer(kubeConfig: KubeConfig, cluster: Cluster, tokens?: BearerTokenProvider): void {
  const user: User = { name: TOKEN_USER };
  kubeConfig.loadFromOptions({
    clusters: [cluster],
    users: [user],
    contexts: [{ name: "skiff", cluster: cluster.name, user: TOKEN_USER }],
    currentContext: "skiff",
  });
  if (!tokens) return;
  kubeConfig.addAuthenticator({
    isAuthProvider: (candidate) => candidate.name === TOKEN_USER,
    applyAuthentication: async (_user, opts) => {
      const token = await tokens.token();
      opts.headers = { ...opts.headers, Authorization: `Bearer ${token}` };
    },
  });
}
