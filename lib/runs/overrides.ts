import { z } from "zod";
import type { K8SContainer, K8SEnvVar, K8SVolume, K8SVolumeMount, Template, Workflow } from "../argo";

/**
 * Run-time overrides (DESIGN.md § Security model): what a run request may change in a spec, as an allow-list.
 * Anything not listed here is refused; privileged containers, host paths and the host network need a named
 * profile that allows them. Applying overrides is a pure function of the spec.
 */

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a DNS label (a-z, 0-9, -)");
const dnsSubdomain = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a DNS subdomain (a-z, 0-9, -, .)");
const labelKey = z
  .string()
  .max(317)
  .regex(
    /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
    "must be a label key",
  );
const labelValue = z
  .string()
  .regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, "must be a label value (≤ 63 characters)");
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,254}$/, "must be an environment variable name");
const quantity = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(
    z
      .string()
      .regex(/^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/, "must be a Kubernetes quantity"),
  );
const resourceName = z.string().regex(/^([a-z0-9.-]+\/)?[a-z0-9-]+$/, "must be a resource name");
const absolutePath = z
  .string()
  .max(1024)
  .refine((p) => p.startsWith("/") && !p.split("/").includes(".."), "must be an absolute path without '..'");
const anyObject = z.record(z.string(), z.unknown());

const toleration = z
  .object({
    key: labelKey.optional(),
    operator: z.enum(["Exists", "Equal"]).optional(),
    value: labelValue.optional(),
    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
    tolerationSeconds: z.number().int().optional(),
  })
  .strict();

const volume = z
  .object({
    name: dnsLabel,
    mountPath: absolutePath,
    readOnly: z.boolean().optional(),
    configMap: z.object({ name: dnsSubdomain }).strict().optional(),
    secret: z.object({ secretName: dnsSubdomain }).strict().optional(),
    emptyDir: z
      .object({ medium: z.enum(["", "Memory"]).optional(), sizeLimit: quantity.optional() })
      .strict()
      .optional(),
    persistentVolumeClaim: z
      .object({ claimName: dnsSubdomain, readOnly: z.boolean().optional() })
      .strict()
      .optional(),
    hostPath: z.object({ path: absolutePath, type: z.string().optional() }).strict().optional(),
  })
  .strict()
  .refine(
    (v) =>
      [v.configMap, v.secret, v.emptyDir, v.persistentVolumeClaim, v.hostPath].filter(Boolean).length === 1,
    "a volume needs exactly one source: configMap, secret, emptyDir, persistentVolumeClaim or hostPath",
  );

export const overridesSchema = z
  .object({
    nodeSelector: z.record(labelKey, labelValue).optional(),
    tolerations: z.array(toleration).max(32).optional(),
    affinity: z
      .object({
        nodeAffinity: anyObject.optional(),
        podAffinity: anyObject.optional(),
        podAntiAffinity: anyObject.optional(),
      })
      .strict()
      .optional(),
    resources: z
      .object({
        requests: z.record(resourceName, quantity).optional(),
        limits: z.record(resourceName, quantity).optional(),
      })
      .strict()
      .optional(),
    env: z.record(envName, z.string().max(32 * 1024)).optional(),
    secrets: z
      .array(z.object({ env: envName, secretName: dnsSubdomain, key: z.string().min(1).max(253) }).strict())
      .max(64)
      .optional(),
    volumes: z.array(volume).max(32).optional(),
    /** Needs a profile with `allow.privileged`. */
    privileged: z.boolean().optional(),
    /** Needs a profile with `allow.hostNetwork`. */
    hostNetwork: z.boolean().optional(),
  })
  .strict();

export type Overrides = z.output<typeof overridesSchema>;

/** A named override set from configuration; `allow` opens the guarded settings to requests using it. */
export const profileSchema = overridesSchema
  .extend({
    allow: z
      .object({
        privileged: z.boolean().optional(),
        hostPath: z.boolean().optional(),
        hostNetwork: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type Profile = z.output<typeof profileSchema>;

export interface OverrideIssue {
  /** Dotted path of the offending input, e.g. `overrides.volumes.0.hostPath` or `profile`. */
  field: string;
  message: string;
}

export class OverrideError extends Error {
  constructor(
    message: string,
    readonly issues: OverrideIssue[],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "OverrideError";
  }
}

function issuesOf(error: z.ZodError, prefix: string): OverrideIssue[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
}

/** Validates configured profiles (e.g. `config().profiles`); a bad profile is a configuration error naming it. */
export function parseProfiles(raw: Record<string, unknown>): Record<string, Profile> {
  const profiles: Record<string, Profile> = {};
  const issues: OverrideIssue[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const parsed = profileSchema.safeParse(value);
    if (parsed.success) profiles[name] = parsed.data;
    else issues.push(...issuesOf(parsed.error, `profiles.${name}`));
  }
  if (issues.length) throw new OverrideError(`invalid profiles: ${describe(issues)}`, issues);
  return profiles;
}

function describe(issues: OverrideIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.message}`).join("; ");
}

export interface OverrideRequest {
  /** The request's `overrides` (unvalidated JSON). */
  overrides?: unknown;
  /** The request's `profile` name. */
  profile?: string;
}

/**
 * Validates a request's overrides against the allow-list and the selected profile, and returns the spec
 * with the profile's and then the request's overrides applied (the input spec is not modified).
 * Throws `OverrideError` listing every problem with its field.
 */
export function applyOverrides(
  spec: Workflow,
  request: OverrideRequest,
  profiles: Record<string, Profile> = {},
): Workflow {
  const issues: OverrideIssue[] = [];
  let profile: Profile = {};
  if (request.profile !== undefined) {
    const found = Object.hasOwn(profiles, request.profile) ? profiles[request.profile] : undefined;
    if (found) profile = found;
    else {
      const known = Object.keys(profiles).join(", ") || "none configured";
      issues.push({ field: "profile", message: `unknown profile "${request.profile}" (known: ${known})` });
    }
  }
  let overrides: Overrides = {};
  if (request.overrides !== undefined && request.overrides !== null) {
    const parsed = overridesSchema.safeParse(request.overrides);
    if (parsed.success) overrides = parsed.data;
    else issues.push(...issuesOf(parsed.error, "overrides"));
  }
  const allow = profile.allow ?? {};
  if (overrides.privileged && !allow.privileged) {
    issues.push({
      field: "overrides.privileged",
      message: "privileged containers need a profile that allows them",
    });
  }
  if (overrides.hostNetwork && !allow.hostNetwork) {
    issues.push({
      field: "overrides.hostNetwork",
      message: "the host network needs a profile that allows it",
    });
  }
  overrides.volumes?.forEach((v, i) => {
    if (v.hostPath && !allow.hostPath) {
      issues.push({
        field: `overrides.volumes.${i}.hostPath`,
        message: "host paths need a profile that allows them",
      });
    }
  });
  if (issues.length) throw new OverrideError(`invalid overrides: ${describe(issues)}`, issues);
  const { allow: _allow, ...profileOverrides } = profile;
  return applyToSpec(applyToSpec(spec, profileOverrides), overrides);
}

/** Applies already-validated overrides to a copy of the spec. */
export function applyToSpec(spec: Workflow, overrides: Overrides): Workflow {
  const result = structuredClone(spec);
  const s = result.spec;
  if (overrides.nodeSelector) s.nodeSelector = { ...s.nodeSelector, ...overrides.nodeSelector };
  if (overrides.tolerations?.length) s.tolerations = [...(s.tolerations ?? []), ...overrides.tolerations];
  if (overrides.affinity) s.affinity = overrides.affinity as Workflow["spec"]["affinity"];
  if (overrides.hostNetwork) s.hostNetwork = true;
  const volumes = overrides.volumes ?? [];
  if (volumes.length) {
    const names = new Set(volumes.map((v) => v.name));
    s.volumes = [...(s.volumes ?? []).filter((v) => !names.has(v.name)), ...volumes.map(toVolume)];
  }
  const env: K8SEnvVar[] = [
    ...Object.entries(overrides.env ?? {}).map(([name, value]) => ({ name, value })),
    ...(overrides.secrets ?? []).map((x) => ({
      name: x.env,
      valueFrom: { secretKeyRef: { name: x.secretName, key: x.key } },
    })),
  ];
  const mounts: K8SVolumeMount[] = volumes.map((v) => ({
    name: v.name,
    mountPath: v.mountPath,
    ...(v.readOnly !== undefined ? { readOnly: v.readOnly } : {}),
  }));
  for (const template of s.templates ?? []) {
    for (const container of containersOf(template)) {
      if (overrides.resources) {
        container.resources = {
          ...container.resources,
          ...(overrides.resources.requests
            ? { requests: { ...container.resources?.requests, ...overrides.resources.requests } }
            : {}),
          ...(overrides.resources.limits
            ? { limits: { ...container.resources?.limits, ...overrides.resources.limits } }
            : {}),
        };
      }
      if (env.length) {
        const names = new Set(env.map((e) => e.name));
        container.env = [...(container.env ?? []).filter((e) => !names.has(e.name)), ...env];
      }
      if (mounts.length) {
        const names = new Set(mounts.map((m) => m.name));
        container.volumeMounts = [
          ...(container.volumeMounts ?? []).filter((m) => !names.has(m.name)),
          ...mounts,
        ];
      }
      if (overrides.privileged)
        container.securityContext = { ...container.securityContext, privileged: true };
    }
  }
  return result;
}

/** The main containers a template runs (container, script, containerSet); not init containers or sidecars. */
function containersOf(
  template: Template,
): Array<Pick<K8SContainer, "resources" | "env" | "volumeMounts" | "securityContext">> {
  const found: Array<Pick<K8SContainer, "resources" | "env" | "volumeMounts" | "securityContext">> = [];
  if (template.container) found.push(template.container);
  if (template.script) found.push(template.script);
  for (const c of template.containerSet?.containers ?? []) found.push(c);
  return found;
}

function toVolume(v: NonNullable<Overrides["volumes"]>[number]): K8SVolume {
  if (v.configMap) return { name: v.name, configMap: { name: v.configMap.name } };
  if (v.secret) return { name: v.name, secret: { secretName: v.secret.secretName } };
  if (v.emptyDir) return { name: v.name, emptyDir: { ...v.emptyDir } };
  if (v.persistentVolumeClaim) return { name: v.name, persistentVolumeClaim: { ...v.persistentVolumeClaim } };
  return { name: v.name, hostPath: { ...(v.hostPath as { path: string; type?: string }) } };
}
