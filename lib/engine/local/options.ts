import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import type { ArtifactStore } from "./artifacts/store";
import { DEFAULT_IMAGE_RULES, type ImageRule } from "./images";
import type { LauncherKind } from "./launcher";

export interface LocalEngineOptions {
  /** Namespace given to submitted workflows without one. Default `"default"`. */
  namespace?: string;
  /** Steps (host processes) running at once across all workflows of this engine. Default `max(8, 4 × CPUs)`. */
  concurrency?: number;
  /**
   * Image → host mappings, tried before the built-in ones (python → python3, node → node, alpine/busybox/bash/
   * debian/ubuntu → the host's sh/bash, argoproj/argosay and docker/whalesay → built-in shims).
   * An image that matches no rule fails its step (phase Error) naming the image.
   */
  images?: ImageRule[];
  /** Replaces the built-in image rules entirely instead of extending them. Default false. */
  replaceDefaultImages?: boolean;
  /** Where per-step working directories and logs go. Default a fresh directory under the OS temp dir. */
  workDir?: string;
  /** Artifact repository; also receives `logs/<runId>/<nodeId>.log` after each step. Default none (artifacts error). */
  artifacts?: ArtifactStore;
  /** Limits of Argo semaphores by `<configmap>/<key>`; a semaphore not listed here is refused at submit. Default none. */
  semaphores?: Record<string, number>;
  /** Milliseconds between SIGTERM and SIGKILL when a step is stopped. Default 2000. */
  killGraceMs?: number;
  /**
   * How step processes start: `"server"` (one long-lived python3 ≥ 3.8 process per Node process starts every step
   * with posix_spawn and relays output and exits over one pipe: much cheaper per step than forking Node),
   * `"spawn"` (Node's child_process per step), or `"auto"`: the server when this host can run it, else spawn (an
   * engine's first step is spawned unless a server is ready, and starts none: a one-step run never waits for one).
   * `"shell"` is the former name of `"server"`. Default `"auto"`.
   */
  launcher?: LauncherKind | "shell";
  /** Remove each run's directory once it completes, and `workDir` itself on `close()`. Default false (kept for inspection). */
  cleanWorkDirs?: boolean;
  /**
   * Where the engine keeps its workflows (one JSON document each, written at submit and at completion), so that a
   * new engine on the same folder knows them: completed ones as they ended, unfinished ones ended `Error` with the
   * phase they had (their step processes did not survive). Default none: workflows live in memory only.
   */
  stateDir?: string;
  /** Accept ClusterWorkflowTemplates (install and `clusterScope` references). Default false (docs/templates.md). */
  clusterTemplates?: boolean;
}

export interface ResolvedOptions {
  namespace: string;
  concurrency: number;
  images: ImageRule[];
  workDir: string;
  artifacts: ArtifactStore | undefined;
  semaphores: Record<string, number>;
  killGraceMs: number;
  launcher: LauncherKind;
  cleanWorkDirs: boolean;
  stateDir: string | undefined;
  clusterTemplates: boolean;
}

export function resolveOptions(options: LocalEngineOptions = {}): ResolvedOptions {
  const defaults: ResolvedOptions = {
    namespace: "default",
    concurrency: Math.max(8, 4 * cpus().length),
    images: [],
    workDir: join(tmpdir(), `skiff-local-${process.pid}-${Date.now().toString(36)}`),
    artifacts: undefined,
    semaphores: {},
    killGraceMs: 2000,
    launcher: "auto",
    cleanWorkDirs: false,
    stateDir: undefined,
    clusterTemplates: false,
  };
  const merged = { ...defaults, ...stripUndefined(options) } as ResolvedOptions & LocalEngineOptions;
  if (options.launcher === "shell") merged.launcher = "server";
  merged.images = options.replaceDefaultImages
    ? [...(options.images ?? [])]
    : [...(options.images ?? []), ...DEFAULT_IMAGE_RULES];
  return merged;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
