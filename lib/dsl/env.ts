import type { K8SEnvVar, K8SEnvVarSource } from "../argo";
import { toParameterString, type Value } from "./data";

/** An environment value taken from somewhere else than the spec (a secret, a config map, a pod field). */
export interface EnvFrom {
  readonly kind: "envFrom";
  readonly valueFrom: K8SEnvVarSource;
}

/** `env: { TOKEN: secretEnv("api", "token") }` → `valueFrom.secretKeyRef`. */
export function secretEnv(name: string, key: string, optional?: boolean): EnvFrom {
  return { kind: "envFrom", valueFrom: { secretKeyRef: { name, key, optional } } };
}

/** `env: { MODE: configMapEnv("settings", "mode") }` → `valueFrom.configMapKeyRef`. */
export function configMapEnv(name: string, key: string, optional?: boolean): EnvFrom {
  return { kind: "envFrom", valueFrom: { configMapKeyRef: { name, key, optional } } };
}

/** `env: { POD: fieldEnv("metadata.name") }` → `valueFrom.fieldRef`. */
export function fieldEnv(fieldPath: string): EnvFrom {
  return { kind: "envFrom", valueFrom: { fieldRef: { fieldPath } } };
}

/** `env: { CPU: resourceEnv("limits.cpu") }` → `valueFrom.resourceFieldRef`. */
export function resourceEnv(resource: string, containerName?: string): EnvFrom {
  return { kind: "envFrom", valueFrom: { resourceFieldRef: { resource, containerName } } };
}

/** Environment as a record (values in order of keys) or as Argo's own list. */
export type EnvInput = Readonly<Record<string, Value | EnvFrom>> | readonly K8SEnvVar[];

function isEnvFrom(value: Value | EnvFrom): value is EnvFrom {
  return typeof value === "object" && value !== null && "kind" in value && value.kind === "envFrom";
}

export function renderEnv(env: EnvInput | undefined): K8SEnvVar[] | undefined {
  if (env === undefined) return undefined;
  if (Array.isArray(env)) return [...env];
  return Object.entries(env as Record<string, Value | EnvFrom>).map(([name, value]): K8SEnvVar => {
    if (isEnvFrom(value)) return { name, valueFrom: value.valueFrom };
    return { name, value: toParameterString(value) };
  });
}
