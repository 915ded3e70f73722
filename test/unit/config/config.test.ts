import { describe, expect, it } from "vitest";
import { buildTimeoutMs, ConfigError, defaultLimits, loadConfig } from "../../../lib/config";

const base = { SKIFF_BUCKET: "skiff-dev-pipelines", SKIFF_TABLE: "skiff-dev" };

describe("loadConfig", () => {
  it("fills documented defaults from a minimal environment", () => {
    expect(loadConfig(base)).toEqual({
      stage: "local",
      region: "us-east-1",
      bucket: "skiff-dev-pipelines",
      table: "skiff-dev",
      eventBus: "skiff",
      engine: { kind: "local", namespace: "default", namespaces: ["default"], clusterTemplates: false },
      profiles: {},
      overrides: { envAllow: [], secrets: [] },
      limits: defaultLimits,
      s3PathStyle: false,
      typecheck: true,
      serviceAccounts: { allowed: ["default"], notifier: "skiff-notifier" },
      artifacts: { download: "presigned", urlTtlSeconds: 300 },
    });
  });

  it("answers artifact downloads with bytes when S3 is a local server, presigned URLs otherwise", () => {
    expect(loadConfig({ ...base, AWS_ENDPOINT_URL_S3: "http://127.0.0.1:4569" }).artifacts.download).toBe(
      "bytes",
    );
    expect(
      loadConfig({ ...base, SKIFF_ARTIFACT_DOWNLOAD: "presigned", SKIFF_ARTIFACT_URL_TTL_SECONDS: "60" })
        .artifacts,
    ).toEqual({ download: "presigned", urlTtlSeconds: 60 });
    expect(() => loadConfig({ ...base, SKIFF_ARTIFACT_DOWNLOAD: "ftp" })).toThrow(/SKIFF_ARTIFACT_DOWNLOAD/);
  });

  it("allows the deployment's namespace and those SKIFF_NAMESPACES lists", () => {
    expect(
      loadConfig({ ...base, SKIFF_NAMESPACE: "skiff", SKIFF_NAMESPACES: " team-a, skiff ,team-b" }).engine
        .namespaces,
    ).toEqual(["skiff", "team-a", "team-b"]);
  });

  it("reads every variable", () => {
    const config = loadConfig({
      ...base,
      SKIFF_STAGE: "prod",
      AWS_REGION: "eu-west-1",
      SKIFF_EVENT_BUS: "skiff-prod",
      SKIFF_ENGINE: "argo",
      SKIFF_NAMESPACE: "pipelines",
      SKIFF_EKS_CLUSTER: "main",
      SKIFF_CONTROLLER_INSTANCE_ID: "skiff",
      ARGO_SERVER_URL: "https://argo.example.com",
      SKIFF_PROFILES: JSON.stringify({ gpu: { nodeSelector: { gpu: "true" } } }),
      SKIFF_MAX_BODY_BYTES: "1024",
      SKIFF_MAX_PAGE_SIZE: "10",
      AWS_ENDPOINT_URL_S3: "http://127.0.0.1:4569",
      SKIFF_TYPECHECK: "false",
    });
    expect(config).toMatchObject({
      stage: "prod",
      region: "eu-west-1",
      eventBus: "skiff-prod",
      engine: {
        kind: "argo",
        namespace: "pipelines",
        eksCluster: "main",
        controllerInstanceId: "skiff",
        argoServerUrl: "https://argo.example.com",
      },
      profiles: { gpu: { nodeSelector: { gpu: "true" } } },
      s3PathStyle: true,
      typecheck: false,
    });
    expect(config.limits).toMatchObject({ maxBodyBytes: 1024, maxPageSize: 10, defaultPageSize: 10 });
  });

  it("names every bad variable in one error", () => {
    const read = () =>
      loadConfig({
        SKIFF_TABLE: "x",
        SKIFF_ENGINE: "k8s",
        SKIFF_MAX_BODY_BYTES: "-3",
        ARGO_SERVER_URL: "nope",
      });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/SKIFF_BUCKET/);
    expect(read).toThrow(/SKIFF_TABLE: SKIFF_TABLE must name the DynamoDB table/);
    expect(read).toThrow(/SKIFF_ENGINE/);
    expect(read).toThrow(/SKIFF_MAX_BODY_BYTES/);
    expect(read).toThrow(/ARGO_SERVER_URL/);
  });

  it("refuses profiles that are not JSON or not named like DNS labels", () => {
    expect(() => loadConfig({ ...base, SKIFF_PROFILES: "{gpu" })).toThrow(/SKIFF_PROFILES is not valid JSON/);
    expect(() => loadConfig({ ...base, SKIFF_PROFILES: JSON.stringify({ GPU_Big: {} }) })).toThrow(
      /SKIFF_PROFILES: GPU_Big: profile names are lowercase DNS labels/,
    );
  });

  it("reads the override policy and the body depth limit, refusing malformed globs and Secret names", () => {
    const config = loadConfig({
      ...base,
      SKIFF_OVERRIDE_ENV_ALLOW: " APP_*, LOG_LEVEL ,",
      SKIFF_OVERRIDE_SECRETS: "ci-token,shared.creds",
      SKIFF_MAX_BODY_DEPTH: "12",
    });
    expect(config.overrides).toEqual({
      envAllow: ["APP_*", "LOG_LEVEL"],
      secrets: ["ci-token", "shared.creds"],
    });
    expect(config.limits.maxBodyDepth).toBe(12);
    expect(() => loadConfig({ ...base, SKIFF_OVERRIDE_ENV_ALLOW: "APP_*,A-B" })).toThrow(
      /SKIFF_OVERRIDE_ENV_ALLOW: A-B: expected variable names/,
    );
    expect(() => loadConfig({ ...base, SKIFF_OVERRIDE_SECRETS: "Token" })).toThrow(
      /SKIFF_OVERRIDE_SECRETS: Token: expected Secret names/,
    );
  });

  it("validates profiles at load: a profile setting a code-loading variable is a configuration error", () => {
    const profiles = JSON.stringify({ gpu: { env: { LD_PRELOAD: "/x.so" } } });
    expect(() => loadConfig({ ...base, SKIFF_PROFILES: profiles })).toThrow(
      /SKIFF_PROFILES: .*profiles\.gpu\.env\.LD_PRELOAD/,
    );
    expect(() =>
      loadConfig({ ...base, SKIFF_PROFILES: JSON.stringify({ gpu: { privileged: "yes" } }) }),
    ).toThrow(ConfigError);
  });

  it("enables ClusterWorkflowTemplates only with SKIFF_CLUSTER_TEMPLATES=true, refusing other values", () => {
    expect(loadConfig({ ...base, SKIFF_CLUSTER_TEMPLATES: "true" }).engine.clusterTemplates).toBe(true);
    expect(() => loadConfig({ ...base, SKIFF_CLUSTER_TEMPLATES: "yes" })).toThrow(/SKIFF_CLUSTER_TEMPLATES/);
  });

  it("lets SKIFF_S3_PATH_STYLE override the endpoint-based default", () => {
    expect(
      loadConfig({ ...base, AWS_ENDPOINT_URL_S3: "http://x", SKIFF_S3_PATH_STYLE: "false" }).s3PathStyle,
    ).toBe(false);
    expect(loadConfig({ ...base, SKIFF_S3_PATH_STYLE: "true" }).s3PathStyle).toBe(true);
  });
});

describe("buildTimeoutMs", () => {
  it("reads SKIFF_BUILD_TIMEOUT_MS for the CLI and the build function alike", () => {
    expect(buildTimeoutMs({})).toBeUndefined();
    expect(buildTimeoutMs({ SKIFF_BUILD_TIMEOUT_MS: "2500" })).toBe(2500);
    expect(loadConfig({ ...base, SKIFF_BUILD_TIMEOUT_MS: "2500" }).limits.buildTimeoutMs).toBe(2500);
    expect(() => buildTimeoutMs({ SKIFF_BUILD_TIMEOUT_MS: "soon" })).toThrow(/SKIFF_BUILD_TIMEOUT_MS/);
    expect(() => buildTimeoutMs({ SKIFF_BUILD_TIMEOUT_MS: "-1" })).toThrow(ConfigError);
  });
});

describe("the engines', the exit notifier's and the watcher's settings", () => {
  it("are read with the rest, in one place", () => {
    const config = loadConfig({
      ...base,
      SKIFF_ENGINE: "argo",
      SKIFF_EVENT_BUS: "skiff-prod",
      SKIFF_KUBE_SERVER: "https://k8s.example.com",
      SKIFF_KUBE_TOKEN: "t0ken",
      SKIFF_KUBE_INSECURE: "true",
      SKIFF_KUBE_TIMEOUT_MS: "2000",
      ARGO_TOKEN: "argo-t0ken",
      SKIFF_NOTIFIER_IMAGE: "registry.example.com/aws-cli:2",
      SKIFF_NO_STATUS_TIMEOUT_SECONDS: "30",
      AWS_REGION: "eu-west-1",
    });
    expect(config.engine).toMatchObject({
      kind: "argo",
      argoServerToken: "argo-t0ken",
      requestTimeoutMs: 2000,
      cluster: { mode: "server", server: "https://k8s.example.com", token: "t0ken", skipTLSVerify: true },
    });
    expect(config.notifier).toEqual({
      eventBusName: "skiff-prod",
      region: "eu-west-1",
      image: "registry.example.com/aws-cli:2",
      serviceAccountName: undefined,
    });
    expect(config.limits.noStatusTimeoutMs).toBe(30_000);
    // The local engine gets no notifier: its completions come from its change feed.
    expect(loadConfig({ ...base, SKIFF_EVENT_BUS: "skiff-prod" }).notifier).toBeUndefined();
  });

  it("name the variable that is wrong", () => {
    expect(() => loadConfig({ ...base, SKIFF_KUBE_TIMEOUT_MS: "soon" })).toThrow(
      /SKIFF_KUBE_TIMEOUT_MS must be a positive number of milliseconds, got "soon"/,
    );
    expect(() => loadConfig({ ...base, SKIFF_NO_STATUS_TIMEOUT_SECONDS: "-5" })).toThrow(ConfigError);
  });
});
