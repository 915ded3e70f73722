import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../../lib/config";
import { createEngine, resetSharedLocalEngine } from "../../../../lib/engine";
import { argoEngineConfig } from "../../../../lib/engine/argo/config";
import { ArgoEngine } from "../../../../lib/engine/argo/engine";

/** The engine settings lib/config.ts reads from an environment (with the bucket and table it requires). */
const engineSettingsFor = (env: Record<string, string>) =>
  loadConfig({ SKIFF_BUCKET: "skiff-test", SKIFF_TABLE: "skiff-test", ...env }).engine;
const argoConfigFor = (env: Record<string, string>) => argoEngineConfig(engineSettingsFor(env));
const engineFor = (env: Record<string, string>) => createEngine(engineSettingsFor(env));

afterEach(() => resetSharedLocalEngine());

describe("createEngine on lib/config's engine settings", () => {
  it("returns one process-wide local engine for SKIFF_ENGINE=local (the default)", () => {
    const a = engineFor({});
    const b = createEngine({ kind: "local", namespace: "skiff" });
    expect(a.kind).toBe("local");
    expect(b).toBe(a);
  });

  it("returns an Argo engine for SKIFF_ENGINE=argo, with the namespace and cluster from the environment", () => {
    const engine = engineFor({
      SKIFF_ENGINE: "argo",
      SKIFF_NAMESPACE: "pipelines",
      SKIFF_KUBE_SERVER: "http://127.0.0.1:1",
      SKIFF_KUBE_INSECURE: "true",
    });
    expect(engine).toBeInstanceOf(ArgoEngine);
    expect((engine as ArgoEngine).namespace).toBe("pipelines");
    // From lib/config's engine section: an EKS cluster (contacted only on first use).
    const eks = engineFor({
      SKIFF_ENGINE: "argo",
      SKIFF_NAMESPACE: "skiff",
      SKIFF_EKS_CLUSTER: "prod",
      AWS_REGION: "eu-west-1",
    });
    expect(eks.kind).toBe("argo");
  });

  it("names what is missing or wrong", () => {
    expect(() => engineFor({ SKIFF_ENGINE: "k8s" })).toThrow(/SKIFF_ENGINE: .*"local"\|"argo"/);
    expect(() => engineFor({ SKIFF_ENGINE: "argo" })).toThrow(
      /SKIFF_EKS_CLUSTER.*KUBECONFIG.*SKIFF_KUBE_SERVER/,
    );
    expect(() => argoConfigFor({ SKIFF_KUBE_SERVER: "http://x", SKIFF_KUBE_TIMEOUT_MS: "soon" })).toThrow(
      ConfigError,
    );
  });

  it("reads cluster access in order: explicit server, EKS, kubeconfig, in-cluster", () => {
    expect(argoConfigFor({ SKIFF_KUBE_SERVER: "https://k", SKIFF_EKS_CLUSTER: "c" }).cluster.mode).toBe(
      "server",
    );
    expect(
      argoConfigFor({ SKIFF_EKS_CLUSTER: "c", AWS_REGION: "us-east-1", KUBECONFIG: "/k" }).cluster,
    ).toEqual({
      mode: "eks",
      cluster: "c",
      region: "us-east-1",
    });
    expect(argoConfigFor({ KUBECONFIG: "/k", KUBERNETES_SERVICE_HOST: "10.0.0.1" }).cluster.mode).toBe(
      "kubeconfig",
    );
    expect(argoConfigFor({ KUBERNETES_SERVICE_HOST: "10.0.0.1" }).cluster.mode).toBe("in-cluster");
    const settings = argoConfigFor({
      SKIFF_KUBE_SERVER: "https://k",
      SKIFF_CONTROLLER_INSTANCE_ID: "ci",
      ARGO_SERVER_URL: "https://argo:2746",
    });
    expect(settings).toMatchObject({
      namespace: "default",
      instanceId: "ci",
      argoServerUrl: "https://argo:2746",
    });
  });
});
