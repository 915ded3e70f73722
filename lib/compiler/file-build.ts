// A pipeline file built as the CLI's commands build it, in their own process or in the build daemon: its folder
// is the upload, and the spec comes back rendered in the formats the command prints or writes.
import { basename, dirname } from "node:path";
import { compilePipeline } from "./compile";
import type { Diagnostic } from "./diagnostics";
import type { SandboxLimits } from "./sandbox/sandbox";
import { directorySourceFiles } from "./source-files";

export interface FileBuildRequest {
  /** Absolute path of the pipeline's entry; its folder is the upload. */
  file: string;
  params: Record<string, string>;
  typecheck: boolean;
  limits?: SandboxLimits;
  /** Render the spec as YAML (`yaml`) and as canonical JSON (`json`). */
  yaml: boolean;
  json: boolean;
}

/** What the commands use of a build: the spec's text in the formats asked for, and the diagnostics. */
export interface FileBuild {
  ok: boolean;
  /** Placed at upload-relative files (the caller makes them relative to where it runs). */
  diagnostics: Diagnostic[];
  yaml?: string;
  json?: string;
}

/** Builds `request.file`; `warmTypecheck` for a long-lived process (the daemon), as in `compilePipeline`. */
export async function buildFile(request: FileBuildRequest, warmTypecheck = false): Promise<FileBuild> {
  const result = await compilePipeline({
    entry: basename(request.file),
    files: directorySourceFiles(dirname(request.file)),
    buildParameters: request.params,
    typecheck: request.typecheck,
    warmTypecheck,
    limits: request.limits,
  });
  const ok = result.ok && result.spec !== undefined;
  return {
    ok,
    diagnostics: result.diagnostics,
    // Each rendering only when asked for: the result renders it on first read.
    ...(ok && request.yaml ? { yaml: result.yaml } : {}),
    ...(ok && request.json ? { json: result.json } : {}),
  };
}
