import { z } from "zod";
import type { K8SContainer, K8SEnvVar, K8SVolume, K8SVolumeMount, Template, Workflow } from "../argo";
import { deniedEnvName, envNameProblem } from "./env-policy";
import { unsafeCharacter } from "./unsafe-text";

/**
 * Run-time overrides (docs/security.md): what a run request may change in a spec, as an allow-list.
 * Anything not listed here is refused; privileged containers, host paths and the host network need a named
 * profile that allows them; environment variables follow the deployment's allow-list and never a name of
 * lib/runs/env-policy.ts's deny-list; Secrets only those a profile or the deployment grants. Every field is
 * bounded in size and depth. Applying overrides is a pure function of the spec.
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
const envValue = z
  .string()
  .max(32 * 1024)
  .superRefine((value, ctx) => {
    const unsafe = unsafeCharacter(value);
    if (unsafe) ctx.addIssue({ code: "custom", message: `contains ${unsafe}` });
    // Bash before the Shellshock fixes imports such a value as a function and runs what follows it.
    if (value.startsWith("() "))
      ctx.addIssue({ code: "custom", message: "must not start with a function definition '() '" });
  });
/** A record of at most `max` entries: each key is checked before anything walks the values. */
const boundedRecord = <K extends z.ZodType<string, string>, V extends z.ZodType>(
  key: K,
  value: V,
  max: number,
) => z.record(key, value).refine((r) => Object.keys(r).length <= max, `at most ${max} entries`);
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

// Affinity as Kubernetes defines it (core/v1 Affinity), strict and bounded: no free-form object reaches the spec.
const selectorRequirement = z
  .object({
    key: z.string().min(1).max(317),
    operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]),
    values: z.array(z.string().max(63)).max(64).optional(),
  })
  .strict();
const nodeSelectorTerm = z
  .object({
    matchExpressions: z.array(selectorRequirement).max(16).optional(),
    matchFields: z.array(selectorRequirement).max(16).optional(),
  })
  .strict();
const labelSelector = z
  .object({
    matchLabels: boundedRecord(labelKey, labelValue, 32).optional(),
    matchExpressions: z.array(selectorRequirement).max(16).optional(),
  })
  .strict();
const podAffinityTerm = z
  .object({
    labelSelector: labelSelector.optional(),
    namespaceSelector: labelSelector.optional(),
    namespaces: z.array(dnsLabel).max(16).optional(),
    topologyKey: labelKey,
    matchLabelKeys: z.array(labelKey).max(16).optional(),
    mismatchLabelKeys: z.array(labelKey).max(16).optional(),
  })
  .strict();
const weight = z.number().int().min(1).max(100);
const podAffinity = z
  .object({
    requiredDuringSchedulingIgnoredDuringExecution: z.array(podAffinityTerm).max(16).optional(),
    preferredDuringSchedulingIgnoredDuringExecution: z
      .array(z.object({ weight, podAffinityTerm }).strict())
      .max(16)
      .optional(),
  })
  .strict();
const affinity = z
  .object({
    nodeAffinity: z
      .object({
        requiredDuringSchedulingIgnoredDuringExecution: z
          .object({ nodeSelectorTerms: z.array(nodeSelectorTerm).min(1).max(16) })
          .strict()
          .optional(),
        preferredDuringSchedulingIgnoredDuringExecution: z
          .array(z.object({ weight, preference: nodeSelectorTerm }).strict())
          .max(16)
          .optional(),
      })
      .strict()
      .optional(),
    podAffinity: podAffinity.optional(),
    podAntiAffinity: podAffinity.optional(),
  })
  .strict();

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
    nodeSelector: boundedRecord(labelKey, labelValue, 32).optional(),
    tolerations: z.array(toleration).max(32).optional(),
    affinity: affinity.optional(),
    resources: z
      .object({
        requests: boundedRecord(resourceName, quantity, 16).optional(),
        limits: boundedRecord(resourceName, quantity, 16).optional(),
      })
      .strict()
      .optional(),
    /** Names on the deployment's allow-list only, never one of the deny-list (lib/runs/env-policy.ts). */
    env: boundedRecord(envName, envValue, 64).optional(),
    /** Only Secrets the selected profile (`allow.secrets`) or the deployment grants. */
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
        /** Secrets a request using this profile may name in `secrets` and secret volumes. */
        secrets: z.array(dnsSubdomain).max(64).optional(),
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

/**
 * Validates configured profiles (e.g. `config().profiles`); a bad profile is a configuration error naming it.
 * Profiles are the deployment's own, so the env allow-list (also the deployment's) does not bind them, but
 * the deny-list does: a name that loads code has no business in every step of every run using the profile
 * (a deployment that needs such a setting builds it into the image or the pipeline).
 */
export function parseProfiles(raw: Record<string, unknown>): Record<string, Profile> {
  const profiles: Record<string, Profile> = {};
  const issues: OverrideIssue[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const parsed = profileSchema.safeParse(value);
    if (!parsed.success) {
      issues.push(...issuesOf(parsed.error, `profiles.${name}`));
      continue;
    }
    profiles[name] = parsed.data;
    const denied = (field: string, env: string) => {
      const rule = deniedEnvName(env);
      if (rule) issues.push({ field, message: `${env} changes how programs start or load code (${rule})` });
    };
    for (const env of Object.keys(parsed.data.env ?? {})) denied(`profiles.${name}.env.${env}`, env);
    for (const [i, x] of (parsed.data.secrets ?? []).entries())
      denied(`profiles.${name}.secrets.${i}.env`, x.env);
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

/** What the deployment lets every request override (lib/config.ts `overrides`). */
export interface OverridePolicy {
  /** Globs of environment variable names a request may set (`SKIFF_OVERRIDE_ENV_ALLOW`). */
  envAllow: readonly string[];
  /** Secrets any request may name (`SKIFF_OVERRIDE_SECRETS`); a profile's `allow.secrets` adds to them. */
  secrets: readonly string[];
}

/** Nothing beyond the allow-listed fields: no environment variable, no Secret. */
export const closedPolicy: OverridePolicy = { envAllow: [], secrets: [] };

/**
 * Validates a request's overrides against the allow-list and the selected profile, and returns the spec
 * with the profile's and then the request's overrides applied (the input spec is not modified).
 * Throws `OverrideError` listing every problem with its field.
 */
export function applyOverrides(
  spec: Workflow,
  request: OverrideRequest,
  profiles: Record<string, Profile> = {},
  policy: OverridePolicy = closedPolicy,
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
  for (const name of Object.keys(overrides.env ?? {})) {
    const problem = envNameProblem(name, policy.envAllow);
    if (problem) issues.push({ field: `overrides.env.${name}`, message: problem });
  }
  const granted = new Set([...policy.secrets, ...(allow.secrets ?? [])]);
  const grant = (field: string, secretName: string) => {
    if (granted.has(secretName)) return;
    const names = [...granted].join(", ") || "none";
    issues.push({
      field,
      message: `Secret ${secretName} is not granted to run requests${request.profile ? ` with profile ${request.profile}` : ""} (granted: ${names})`,
    });
  };
  overrides.secrets?.forEach((x, i) => {
    grant(`overrides.secrets.${i}.secretName`, x.secretName);
    const rule = deniedEnvName(x.env);
    if (rule) {
      issues.push({
        field: `overrides.secrets.${i}.env`,
        message: `${x.env} changes how programs start or load code (${rule}); it cannot be overridden`,
      });
    }
  });
  overrides.volumes?.forEach((v, i) => {
    if (v.secret) grant(`overrides.volumes.${i}.secret.secretName`, v.secret.secretName);
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
