import { describe, expect, it } from "vitest";
import type { Workflow } from "../../../lib/argo";
import { deniedEnvName, envNameAllowed } from "../../../lib/runs/env-policy";
import { applyOverrides, OverrideError, parseProfiles } from "../../../lib/runs/overrides";

function spec(): Workflow {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: { generateName: "etl-" },
    spec: {
      entrypoint: "main",
      nodeSelector: { zone: "a" },
      templates: [
        { name: "main", dag: { tasks: [{ name: "a", template: "work" }] } },
        {
          name: "work",
          container: {
            image: "alpine",
            env: [{ name: "MODE", value: "old" }],
            resources: { requests: { cpu: "100m" } },
          },
        },
        { name: "py", script: { image: "python", source: "print(1)" } },
      ],
    },
  };
}

function issues(fn: () => unknown): Array<[string, string]> {
  try {
    fn();
  } catch (error) {
    if (error instanceof OverrideError) return error.issues.map((i) => [i.field, i.message]);
    throw error;
  }
  throw new Error("expected an OverrideError");
}

describe("applyOverrides", () => {
  it("applies allowed overrides to a copy of the spec", () => {
    const original = spec();
    const out = applyOverrides(
      original,
      {
        overrides: {
          nodeSelector: { pool: "batch" },
          tolerations: [{ key: "gpu", operator: "Exists", effect: "NoSchedule" }],
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }],
              },
            },
          },
          resources: { limits: { memory: "1Gi" }, requests: { cpu: 2 } },
          env: { MODE: "new", DEBUG: "1" },
          secrets: [{ env: "TOKEN", secretName: "api-token", key: "token" }],
          volumes: [{ name: "scratch", mountPath: "/scratch", emptyDir: { sizeLimit: "1Gi" } }],
        },
      },
      {},
      { envAllow: ["MODE", "DEB*"], secrets: ["api-token"] },
    );
    expect(original).toEqual(spec());
    expect(out.spec.nodeSelector).toEqual({ zone: "a", pool: "batch" });
    expect(out.spec.tolerations).toEqual([{ key: "gpu", operator: "Exists", effect: "NoSchedule" }]);
    expect(out.spec.affinity?.nodeAffinity).toBeDefined();
    expect(out.spec.volumes).toEqual([{ name: "scratch", emptyDir: { sizeLimit: "1Gi" } }]);
    const work = out.spec.templates?.[1].container;
    expect(work?.resources).toEqual({ requests: { cpu: "2" }, limits: { memory: "1Gi" } });
    expect(work?.env).toEqual([
      { name: "MODE", value: "new" },
      { name: "DEBUG", value: "1" },
      { name: "TOKEN", valueFrom: { secretKeyRef: { name: "api-token", key: "token" } } },
    ]);
    expect(work?.volumeMounts).toEqual([{ name: "scratch", mountPath: "/scratch" }]);
    expect(out.spec.templates?.[2].script?.volumeMounts).toEqual([
      { name: "scratch", mountPath: "/scratch" },
    ]);
    expect(out.spec.templates?.[0].container).toBeUndefined();
  });

  it("refuses what is not on the allow-list, naming each field", () => {
    expect(
      issues(() =>
        applyOverrides(spec(), {
          overrides: {
            securityContext: { runAsUser: 0 },
            privileged: true,
            hostNetwork: true,
            volumes: [
              { name: "host", mountPath: "/host", hostPath: { path: "/" } },
              { name: "Bad_Name", mountPath: "rel" },
            ],
            resources: { limits: { memory: "lots" } },
          },
        }),
      ),
    ).toEqual([
      ["overrides.resources.limits.memory", "must be a Kubernetes quantity"],
      ["overrides.volumes.1.name", "must be a DNS label (a-z, 0-9, -)"],
      ["overrides.volumes.1.mountPath", "must be an absolute path without '..'"],
      [
        "overrides.volumes.1",
        "a volume needs exactly one source: configMap, secret, emptyDir, persistentVolumeClaim or hostPath",
      ],
      ["overrides", 'Unrecognized key: "securityContext"'],
    ]);
    expect(
      issues(() =>
        applyOverrides(spec(), {
          overrides: {
            privileged: true,
            hostNetwork: true,
            volumes: [{ name: "h", mountPath: "/h", hostPath: { path: "/" } }],
          },
        }),
      ),
    ).toEqual([
      ["overrides.privileged", "privileged containers need a profile that allows them"],
      ["overrides.hostNetwork", "the host network needs a profile that allows it"],
      ["overrides.volumes.0.hostPath", "host paths need a profile that allows them"],
    ]);
  });

  it("applies a named profile first, lets it allow guarded settings, and refuses unknown profiles", () => {
    const profiles = parseProfiles({
      gpu: { nodeSelector: { pool: "gpu" }, env: { CUDA: "1" }, allow: { privileged: true, hostPath: true } },
    });
    const out = applyOverrides(
      spec(),
      {
        profile: "gpu",
        overrides: {
          privileged: true,
          nodeSelector: { pool: "gpu-large" },
          volumes: [{ name: "dev", mountPath: "/dev/nvidia0", hostPath: { path: "/dev/nvidia0" } }],
        },
      },
      profiles,
    );
    expect(out.spec.nodeSelector).toEqual({ zone: "a", pool: "gpu-large" });
    const work = out.spec.templates?.[1].container;
    expect(work?.securityContext).toEqual({ privileged: true });
    expect(work?.env).toContainEqual({ name: "CUDA", value: "1" });
    expect(out.spec.volumes).toEqual([{ name: "dev", hostPath: { path: "/dev/nvidia0" } }]);
    expect(out.spec.hostNetwork).toBeUndefined();

    expect(issues(() => applyOverrides(spec(), { profile: "cpu" }, profiles))).toEqual([
      ["profile", 'unknown profile "cpu" (known: gpu)'],
    ]);
    expect(issues(() => applyOverrides(spec(), { profile: "toString" }, profiles))[0][0]).toBe("profile");
  });

  it("rejects invalid profiles from configuration, naming the profile", () => {
    expect(() => parseProfiles({ bad: { allow: { root: true } } })).toThrow(/profiles\.bad\.allow/);
  });

  it("refuses a secret volume or secret env naming a Secret neither the deployment nor the profile grants", () => {
    const profiles = parseProfiles({ ci: { allow: { secrets: ["ci-token"] } } });
    const policy = { envAllow: [], secrets: ["shared"] };
    const request = (secretName: string, profile?: string) => ({
      profile,
      overrides: {
        secrets: [{ env: "TOKEN", secretName, key: "k" }],
        volumes: [{ name: "s", mountPath: "/s", secret: { secretName } }],
      },
    });
    expect(issues(() => applyOverrides(spec(), request("ci-token"), profiles, policy))).toEqual([
      ["overrides.secrets.0.secretName", "Secret ci-token is not granted to run requests (granted: shared)"],
      [
        "overrides.volumes.0.secret.secretName",
        "Secret ci-token is not granted to run requests (granted: shared)",
      ],
    ]);
    for (const [name, profile] of [
      ["ci-token", "ci"],
      ["shared", "ci"],
      ["shared", undefined],
    ] as const) {
      const out = applyOverrides(spec(), request(name, profile), profiles, policy);
      expect(out.spec.volumes).toEqual([{ name: "s", secret: { secretName: name } }]);
    }
    expect(issues(() => applyOverrides(spec(), request("other", "ci"), profiles, policy))[0]).toEqual([
      "overrides.secrets.0.secretName",
      "Secret other is not granted to run requests with profile ci (granted: shared, ci-token)",
    ]);
  });

  it("refuses env names off the allow-list, and names that load code whatever the allow-list says", () => {
    const open = { envAllow: ["*"], secrets: ["s"] };
    const env = {
      BASH_ENV: "$(touch /tmp/pwned)",
      LD_PRELOAD: "/tmp/x.so",
      PATH: "/tmp",
      NODE_OPTIONS: "--require /tmp/x.js",
      PYTHONWARNINGS: "ignore::x.Y",
      ld_library_path: "/tmp",
      GIT_CONFIG_COUNT: "1",
      ARGO_TEMPLATE: "{}",
      FINE: "1",
    };
    const found = issues(() => applyOverrides(spec(), { overrides: { env } }, {}, open));
    expect(found.map(([field]) => field)).toEqual(
      Object.keys(env)
        .filter((name) => name !== "FINE")
        .map((name) => `overrides.env.${name}`),
    );
    expect(found[0][1]).toBe(
      "BASH_ENV changes how programs start or load code (BASH_ENV); it cannot be overridden",
    );
    expect(
      issues(() =>
        applyOverrides(
          spec(),
          {
            overrides: { secrets: [{ env: "LD_PRELOAD", secretName: "s", key: "k" }] },
          },
          {},
          open,
        ),
      ),
    ).toEqual([
      [
        "overrides.secrets.0.env",
        "LD_PRELOAD changes how programs start or load code (LD_*); it cannot be overridden",
      ],
    ]);
    // Off the allow-list: refused, naming the setting; the default allows nothing.
    expect(issues(() => applyOverrides(spec(), { overrides: { env: { MODE: "x" } } }))).toEqual([
      [
        "overrides.env.MODE",
        "MODE is not on the deployment's allow-list of overridable variables (SKIFF_OVERRIDE_ENV_ALLOW: none)",
      ],
    ]);
    const scoped = { envAllow: ["APP_*"], secrets: [] };
    expect(
      applyOverrides(spec(), { overrides: { env: { APP_MODE: "x" } } }, {}, scoped).spec.templates?.[1]
        .container?.env,
    ).toContainEqual({ name: "APP_MODE", value: "x" });
    expect(
      issues(() => applyOverrides(spec(), { overrides: { env: { MY_APP_MODE: "x" } } }, {}, scoped))[0][0],
    ).toBe("overrides.env.MY_APP_MODE");
  });

  it("refuses env values with a NUL, a control character or a bash function definition", () => {
    const open = { envAllow: ["*"], secrets: [] };
    expect(
      issues(() =>
        applyOverrides(
          spec(),
          { overrides: { env: { A: "x\u0000y", B: "\u001b[2J", C: "() { :; }; id", D: "a\tb\nc" } } },
          {},
          open,
        ),
      ),
    ).toEqual([
      ["overrides.env.A", "contains NUL (U+0000) at character 1"],
      ["overrides.env.B", "contains a control character (U+001B) at character 0"],
      ["overrides.env.C", "must not start with a function definition '() '"],
    ]);
  });

  it("bounds every override: entries, list lengths, and an affinity that is Kubernetes' shape, not any object", () => {
    const many = (n: number, value: string) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`K${i}`, value]));
    const found = issues(() =>
      applyOverrides(
        spec(),
        {
          overrides: {
            nodeSelector: many(33, "v"),
            env: many(65, "v"),
            tolerations: Array(33).fill({ operator: "Exists" }),
            affinity: { nodeAffinity: { anything: { deeper: {} } } },
          },
        },
        {},
        { envAllow: ["*"], secrets: [] },
      ),
    );
    expect(found).toEqual([
      ["overrides.nodeSelector", "at most 32 entries"],
      ["overrides.tolerations", "Too big: expected array to have <=32 items"],
      ["overrides.affinity.nodeAffinity", 'Unrecognized key: "anything"'],
      ["overrides.env", "at most 64 entries"],
    ]);
  });

  it("keeps code-loading names out of configured profiles too", () => {
    expect(() => parseProfiles({ gpu: { env: { LD_LIBRARY_PATH: "/usr/local/cuda/lib64" } } })).toThrow(
      /profiles\.gpu\.env\.LD_LIBRARY_PATH: LD_LIBRARY_PATH changes how programs start or load code \(LD_\*\)/,
    );
    expect(parseProfiles({ gpu: { env: { CUDA_VISIBLE_DEVICES: "0" } } }).gpu.env).toEqual({
      CUDA_VISIBLE_DEVICES: "0",
    });
  });
});

describe("env policy", () => {
  it.each([
    "BASH_ENV",
    "ENV",
    "SHELLOPTS",
    "BASHOPTS",
    "PS4",
    "PROMPT_COMMAND",
    "IFS",
    "CDPATH",
    "GLOBIGNORE",
    "BASH_FUNC_x",
    "LD_PRELOAD",
    "LD_AUDIT",
    "DYLD_INSERT_LIBRARIES",
    "PATH",
    "NODE_OPTIONS",
    "NODE_PATH",
    "PYTHONPATH",
    "PYTHONSTARTUP",
    "PYTHONHOME",
    "PYTHONINSPECT",
    "PERL5LIB",
    "PERL5OPT",
    "PERLLIB",
    "RUBYOPT",
    "RUBYLIB",
    "JAVA_TOOL_OPTIONS",
    "_JAVA_OPTIONS",
    "JDK_JAVA_OPTIONS",
    "CLASSPATH",
    "GCONV_PATH",
    "LOCPATH",
    "MALLOC_CHECK_",
    "GLIBC_TUNABLES",
    "GIT_SSH_COMMAND",
    "GIT_CONFIG_KEY_0",
    "DOTNET_STARTUP_HOOKS",
    "OPENSSL_CONF",
    "PIP_INDEX_URL",
    "npm_config_script_shell",
    "ZDOTDIR",
    "ARGO_TEMPLATE",
    "path",
  ])("denies %s", (name) => {
    expect(deniedEnvName(name)).toBeDefined();
  });

  it.each(["NODE_ENV", "LOG_LEVEL", "EPOCHS", "CUDA_VISIBLE_DEVICES", "LANG", "TZ", "PATHWAY", "HTTP_PORT"])(
    "does not deny %s",
    (name) => {
      expect(deniedEnvName(name)).toBeUndefined();
    },
  );

  it("matches allow-list globs case-sensitively on whole names", () => {
    expect(envNameAllowed("APP_X", ["APP_*"])).toBe(true);
    expect(envNameAllowed("app_x", ["APP_*"])).toBe(false);
    expect(envNameAllowed("XAPP_X", ["APP_*"])).toBe(false);
    expect(envNameAllowed("LOG_LEVEL", ["LOG_LEVEL", "APP_*"])).toBe(true);
    expect(envNameAllowed("ANY", [])).toBe(false);
  });
});
