import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import type { Artifact, NodeStatus, Outputs, Parameter, Template } from "../../argo";
import { intOrStringValue } from "../../argo/intstr";
import type { NodePhase } from "../../argo/phases";
import { reportedProgress } from "../../argo/progress";
import type { ArtifactStore } from "./artifacts/store";
import { type ImageRule, resolveImage, rewriteImagePaths } from "./images";
import type { StepLauncher } from "./launcher";
import { lookPathError } from "./look-path";
import { declaredPaths, PathMapper, resolveExecutable } from "./paths";
import type { HostProcessSpec, OutputChunk, StepFile, StepProcess } from "./process";
import { shimDirFor, writtenShimDir } from "./shims";
import { layoutKey, preparedLayout, type StepDirPool } from "./step-dirs";
import { parseDurationMs } from "./time";

/** The exit code of Argo's emissary when it cannot start the main process. */
const EMISSARY_FAILURE_EXIT_CODE = 64;

/** Argo keeps the last 256 kB of stdout as `outputs.result`. */
export const RESULT_LIMIT_BYTES = 256 * 1024;

export interface LeafRequest {
  node: NodeStatus;
  /** The template with its inputs substituted. */
  template: Template;
  /** Lends the step its directory. */
  stepDirs: StepDirPool;
  /** The environment steps start from (the engine process's). */
  hostEnv: Readonly<Record<string, string>>;
  images: readonly ImageRule[];
  shimRoot: string;
  /** Shim directories this engine has written (or is writing). */
  shimDirs: Map<string, Promise<string>>;
  captureResult: boolean;
  artifacts: ArtifactStore | undefined;
  /** Key prefix for this step's output artifacts (asked only when it has some: it hashes the pod name). */
  artifactPrefix: () => string;
  /** Epoch ms past which the step is killed (retryStrategy.maxDuration). */
  maxDeadline: number | undefined;
  onStart: (proc: StepProcess) => void;
  /** Starts the process. */
  launcher: StepLauncher;
  onLine: (line: OutputChunk) => void;
  /** Set by the run when it killed the process (stop, terminate, workflow deadline). */
  haltReason: () => "Stop" | "Terminate" | "Deadline" | undefined;
  /** Progress the step reports through `ARGO_PROGRESS_FILE` ("N/M"), while it runs and once it ended. */
  onProgress?: (progress: string) => void;
}

/** Where Argo's executor has a pod write its progress (common.ArgoProgressPath), mapped into the step's directory. */
const ARGO_PROGRESS_PATH = "/var/run/argo/progress";
/** How often a running step's progress file is read (Argo's executor reads it every few seconds). */
const PROGRESS_POLL_MS = 1000;

/** Reads the progress a step reported, if any. */
async function readReportedProgress(file: string): Promise<string | undefined> {
  try {
    return reportedProgress(await readFile(file, "utf8"));
  } catch {
    return undefined;
  }
}

export interface LeafOutcome {
  phase: NodePhase;
  message?: string;
  outputs?: Outputs;
}

function deadlineMs(t: Template): number | undefined {
  const limits: number[] = [];
  // intstr.Int64, as the pod is built (workflowpod.go): a tag must have been substituted to an integer.
  if (t.activeDeadlineSeconds !== undefined && t.activeDeadlineSeconds !== null)
    limits.push(intOrStringValue(t.activeDeadlineSeconds) * 1000);
  if (t.timeout) limits.push(parseDurationMs(t.timeout));
  return limits.length ? Math.min(...limits) : undefined;
}

async function materializeInputs(req: LeafRequest, mapper: PathMapper): Promise<string | undefined> {
  for (const a of req.template.inputs?.artifacts ?? []) {
    if (!a.path) continue;
    const target = mapper.map(a.path);
    await mkdir(dirname(target), { recursive: true });
    if (a.raw) {
      await writeFile(target, a.raw.data);
      continue;
    }
    if (a.s3?.key) {
      if (!req.artifacts)
        return `input artifact '${a.name}' needs an artifact repository; none is configured`;
      const single = await req.artifacts.get(a.s3.key);
      if (single) {
        await writeFile(target, single);
        continue;
      }
      const keys = await req.artifacts.list(`${a.s3.key}/`);
      if (!keys.length && !a.optional) return `input artifact '${a.name}' not found at ${a.s3.key}`;
      for (const key of keys) {
        const body = await req.artifacts.get(key);
        const file = join(target, key.slice(a.s3.key.length + 1));
        await mkdir(dirname(file), { recursive: true });
        if (body) await writeFile(file, body);
      }
    }
  }
  return undefined;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function saveArtifact(
  req: LeafRequest,
  a: Artifact,
  mapper: PathMapper,
): Promise<{ artifact?: Artifact; error?: string }> {
  const path = a.path ?? "";
  const source = mapper.map(path);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(source);
  } catch {
    if (a.optional) return {};
    return { error: `open ${path}: no such file or directory` };
  }
  if (!req.artifacts)
    return { error: `output artifact '${a.name}' needs an artifact repository; none is configured` };
  const key = `${req.artifactPrefix()}/${a.name}`;
  if (info.isDirectory()) {
    for (const file of await listFiles(source)) {
      await req.artifacts.put(`${key}/${relative(source, file).split(sep).join("/")}`, await readFile(file));
    }
  } else await req.artifacts.put(key, await readFile(source));
  return {
    artifact: {
      name: a.name,
      path,
      s3: { key },
      ...(a.globalName ? { globalName: a.globalName } : {}),
    },
  };
}

/** Runs a container/script template as a host process and collects its outputs as Argo does. */
export async function runLeaf(req: LeafRequest): Promise<LeafOutcome> {
  const t = req.template;
  const container = t.container ?? t.script;
  if (!container) return { phase: "Error", message: "template has no container or script" };
  const image = container.image ?? "";
  const resolved = resolveImage(image, req.images);
  if (!resolved) {
    return {
      phase: "Error",
      message: `image "${image}" has no host mapping in the local engine (add a rule with the images option)`,
    };
  }
  let own: number | undefined;
  try {
    own = deadlineMs(t);
  } catch (error) {
    return { phase: "Error", message: error instanceof Error ? error.message : String(error) };
  }
  const declared = declaredPaths(t);
  // Nothing is read back from the directory of a step that declares no paths: it can be a reused one.
  const lease = req.stepDirs.lease(req.node.id, declared.length === 0);
  const stepDir = lease.dir;
  const mapper = new PathMapper(stepDir, declared, [process.cwd(), stepDir]);
  // The step's TMPDIR and working directory are made by the launcher as it starts the step (off the event
  // loop); declared paths and input artifacts are only touched when the template has them.
  const dirs = [mapper.map("/tmp")];
  for (const p of declared) await mkdir(dirname(mapper.map(p)), { recursive: true });
  const inputError = t.inputs?.artifacts?.length ? await materializeInputs(req, mapper) : undefined;
  if (inputError) return { phase: "Error", message: inputError };

  const shimsReady = shimDirFor(req.shimRoot, resolved.rule, req.shimDirs);
  const shimDir = shimsReady && (writtenShimDir(shimsReady) ?? (await shimsReady));
  let argv = [...(container.command ?? []), ...(container.args ?? [])];
  const files: StepFile[] = [];
  // A script without source runs as a container would: nothing staged, no path appended (operator.go,
  // executeScript).
  const staged = !!t.script?.source;
  if (t.script?.source) {
    const scriptPath = join(stepDir, "script");
    // Executable, as Argo stages it (`sh -c <script>` runs it directly).
    const source = rewriteImagePaths(mapper.rewrite(t.script.source ?? ""), resolved.rule, shimDir);
    files.push({ path: scriptPath, text: source, mode: 0o755 });
    argv = [...(container.command ?? []), ...(container.args ?? []), scriptPath];
  } else if (!container.command?.length) {
    argv = [...(resolved.rule.entrypoint ?? []), ...(container.args ?? [])];
  }
  const argvAsWritten = argv[0];
  // A loop, not argv.map: map's result is a holey array, another shape for this hot function to meet (it was
  // deoptimized there in the first runs of a process).
  const last = staged ? argv.length - 1 : -1;
  const mapped: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    mapped.push(i === last ? a : rewriteImagePaths(mapper.rewrite(a), resolved.rule, shimDir));
  }
  argv = mapped;
  if (argv.length === 0)
    return { phase: "Error", message: `no command for image "${image}" (set command or args)` };
  argv[0] = resolveExecutable(argv[0] ?? "", shimDir, resolved.rule.shims ?? {}, req.hostEnv.PATH);

  // Only what the step changes: its base is the run's snapshot of the engine's environment.
  const env: Record<string, string> = {};
  if (shimDir) env.PATH = `${shimDir}:${req.hostEnv.PATH ?? ""}`;
  env.TMPDIR = mapper.map("/tmp");
  const progressFile = mapper.map(ARGO_PROGRESS_PATH);
  dirs.push(dirname(progressFile));
  env.ARGO_PROGRESS_FILE = progressFile;
  for (const e of container.env ?? [])
    env[e.name] = rewriteImagePaths(mapper.rewrite(e.value ?? ""), resolved.rule, shimDir);
  const workingDir = container.workingDir ? mapper.map(container.workingDir) : mapper.fsRoot;
  dirs.push(workingDir);

  // A reused directory already has the layout when it was prepared for the same dirs and files.
  const filePaths = files.map((f) => f.path);
  const reused = lease.layout?.key === layoutKey(dirs, filePaths) ? lease.layout : undefined;
  const layout = declared.length === 0 ? (reused ?? preparedLayout(stepDir, dirs, filePaths)) : undefined;
  const processSpec: HostProcessSpec = {
    argv,
    cwd: workingDir,
    baseEnv: req.hostEnv,
    env,
    dirs: reused ? [] : dirs,
    files,
    onLine: req.onLine,
    keepStdoutBytes: req.captureResult ? RESULT_LIMIT_BYTES : 0,
    ...(layout ? { pristine: layout.entries } : {}),
  };
  const proc: StepProcess = req.launcher.start(processSpec);
  req.onStart(proc);
  let timedOut = false;
  const limits: number[] = [];
  if (own !== undefined) limits.push(own);
  if (req.maxDeadline !== undefined) limits.push(Math.max(0, req.maxDeadline - Date.now()));
  const timer =
    limits.length > 0
      ? setTimeout(
          () => {
            timedOut = true;
            proc.kill(0);
          },
          Math.min(...limits),
        )
      : undefined;
  const report = async () => {
    const progress = await readReportedProgress(progressFile);
    if (progress) req.onProgress?.(progress);
  };
  // Started after a first interval: most steps end before it and are only read once, at the end.
  const poll = req.onProgress ? setInterval(() => void report(), PROGRESS_POLL_MS) : undefined;
  const result = await proc.done;
  if (timer) clearTimeout(timer);
  if (poll) {
    clearInterval(poll);
    await report();
  }
  lease.release(result.pristine === true, layout);

  const outputs: Outputs = {};
  let phase: NodePhase;
  let message: string | undefined;
  const halt = req.haltReason();
  const notFound = result.spawnError
    ? await lookPathError(argv[0] ?? "", env.PATH ?? req.hostEnv.PATH ?? "", workingDir, argvAsWritten)
    : undefined;
  if (notFound) {
    // The emissary's LookPath fails before main starts: main exits 64 with the error as its termination
    // message, so the node is Failed (cmd/argoexec emissary.go and main.go; operator.go inferFailedReason).
    phase = "Failed";
    message = `main: Error (exit code ${EMISSARY_FAILURE_EXIT_CODE}): failed to find name in PATH: ${notFound}`;
    outputs.exitCode = String(EMISSARY_FAILURE_EXIT_CODE);
  } else if (result.spawnError) {
    phase = "Error";
    message = `failed to start ${argv[0]}: ${result.spawnError.message}`;
  } else if (result.launcherError) {
    phase = "Error";
    message = result.launcherError.message;
  } else {
    outputs.exitCode = String(result.exitCode);
    if (halt === "Deadline") {
      phase = "Failed";
      message = "Step exceeded its deadline";
    } else if (halt) {
      phase = "Failed";
      message = `workflow shutdown with strategy:  ${halt}`;
    } else if (timedOut) {
      phase = "Failed";
      message = "Pod was active on the node longer than the specified deadline";
    } else if (result.exitCode === 0) {
      phase = "Succeeded";
    } else {
      phase = "Failed";
      message = `main: Error (exit code ${result.exitCode})`;
    }
  }
  if (req.captureResult) {
    outputs.result = result.stdout.endsWith("\n") ? result.stdout.slice(0, -1) : result.stdout;
  }
  // Outputs are collected even when main failed (a failed main keeps its own phase and message).
  const params: Parameter[] = [];
  for (const p of t.outputs?.parameters ?? []) {
    const path = p.valueFrom?.path;
    if (!path) {
      if (p.value !== undefined) params.push(p);
      else if (p.valueFrom?.default !== undefined) params.push({ ...p, value: p.valueFrom.default });
      continue;
    }
    let value: string | undefined;
    try {
      const text = await readFile(mapper.map(path), "utf8");
      value = text.endsWith("\n") ? text.slice(0, -1) : text;
    } catch {
      value = p.valueFrom?.default;
      if (value === undefined && phase === "Succeeded") {
        phase = "Error";
        message = `open ${path}: no such file or directory`;
      }
    }
    if (value !== undefined) params.push({ ...p, value });
  }
  if (params.length) outputs.parameters = params;
  const artifacts: Artifact[] = [];
  for (const a of t.outputs?.artifacts ?? []) {
    try {
      const saved = await saveArtifact(req, a, mapper);
      if (saved.artifact) artifacts.push(saved.artifact);
      else if (saved.error && phase === "Succeeded") {
        phase = "Error";
        message = saved.error;
      }
    } catch (error) {
      if (phase === "Succeeded") {
        phase = "Error";
        message = `failed to save output artifact '${a.name}': ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  }
  if (artifacts.length) outputs.artifacts = artifacts;
  return { phase, ...(message ? { message } : {}), outputs };
}
