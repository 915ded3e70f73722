import { describe, expect, it } from "vitest";
import type { Workflow } from "../../../lib/argo";
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
    const out = applyOverrides(original, {
      overrides: {
        nodeSelector: { pool: "batch" },
        tolerations: [{ key: "gpu", operator: "Exists", effect: "NoSchedule" }],
        affinity: {
          nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
        },
        resources: { limits: { memory: "1Gi" }, requests: { cpu: 2 } },
        env: { MODE: "new", DEBUG: "1" },
        secrets: [{ env: "TOKEN", secretName: "api-token", key: "token" }],
        volumes: [{ name: "scratch", mountPath: "/scratch", emptyDir: { sizeLimit: "1Gi" } }],
      },
    });
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
});
