import type { EngineSettings } from "../config";
import type { Engine } from "../ports/engine";
import { createArgoEngine } from "./argo";
import type { ClusterAccess } from "./argo/cluster";
import { argoEngineConfig } from "./argo/config";
import { LocalEngine, type LocalEngineOptions } from "./local";

export type { Engine, EngineKind } from "../ports/engine";

/** The engine part of the configuration (`SkiffConfig["engine"]`), plus what only code can supply. */
export interface EngineConfig extends Omit<EngineSettings, "namespace"> {
  /** Namespace of the workflows. Default "default". */
  namespace?: string;
  /** Explicit cluster access (argo); overrides the configured one. */
  access?: ClusterAccess;
  /** Options of the process-wide local engine, used when it is first created (local). */
  local?: LocalEngineOptions;
}

let sharedLocal: LocalEngine | undefined;

/** The process-wide local engine: every handler in this process sees the same runs. */
export function sharedLocalEngine(options?: LocalEngineOptions): LocalEngine {
  sharedLocal ??= new LocalEngine(options);
  return sharedLocal;
}

/** Forgets (and closes) the process-wide local engine, e.g. between tests or at stack shutdown. */
export async function resetSharedLocalEngine(): Promise<void> {
  const engine = sharedLocal;
  sharedLocal = undefined;
  await engine?.close();
}

/** The engine for a configuration: the shared local engine, or an Argo engine (connected on first use). */
export function createEngine(config: EngineConfig): Engine {
  const { access, local, ...settings } = config;
  if (config.kind === "local")
    return sharedLocalEngine({
      namespace: config.namespace,
      clusterTemplates: config.clusterTemplates,
      ...local,
    });
  return createArgoEngine(
    argoEngineConfig({ ...settings, namespace: settings.namespace || "default" }, access),
  );
}
