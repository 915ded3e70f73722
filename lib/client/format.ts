import type { ErrorBody } from "../api/error-body";
import type { Diagnostic } from "../compiler/diagnostics";
import type { RunRecord, StepRecord } from "../ports/run-store";

const SYMBOL: Record<string, string> = {
  Succeeded: "✔",
  Failed: "✖",
  Error: "⚠",
  Running: "●",
  Pending: "◷",
  Skipped: "○",
  Omitted: "○",
  Stopped: "■",
  Terminated: "■",
};

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}:${d.line ?? 0}:${d.column ?? 0}: ` : d.path ? `${d.path}: ` : "";
  return `${where}${d.severity} ${d.code}: ${d.message}`;
}

export function formatError(body: ErrorBody): string {
  const lines = [body.message];
  for (const detail of body.details ?? []) lines.push(`  ${detail.field}: ${detail.message}`);
  return lines.join("\n");
}

function duration(from?: string, to?: string): string {
  if (!from) return "";
  const ms = (to ? Date.parse(to) : Date.now()) - Date.parse(from);
  if (!Number.isFinite(ms) || ms < 0) return "";
  return ms < 1000
    ? `${ms}ms`
    : ms < 60_000
      ? `${(ms / 1000).toFixed(1)}s`
      : `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

/** The run's step tree (Argo's node tree: children under their parent), one line per step. */
export function formatSteps(steps: StepRecord[]): string[] {
  const byId = new Map(steps.map((s) => [s.stepId, s]));
  const childIds = new Set(steps.flatMap((s) => s.children ?? []));
  const roots = steps.filter((s) => !childIds.has(s.stepId));
  const lines: string[] = [];
  const seen = new Set<string>();
  const visit = (step: StepRecord, depth: number) => {
    if (seen.has(step.stepId)) return;
    seen.add(step.stepId);
    const took = duration(step.startedAt, step.finishedAt);
    const extra = [took, step.message ? `(${step.message})` : ""].filter(Boolean).join(" ");
    lines.push(
      `${"  ".repeat(depth)}${SYMBOL[step.phase] ?? "?"} ${step.displayName || step.name}${extra ? `  ${extra}` : ""}`,
    );
    if (step.stderrTail) lines.push(...tailLines(step.stderrTail, depth + 1));
    for (const id of step.children ?? []) {
      const child = byId.get(id);
      if (child) visit(child, depth + 1);
    }
  };
  for (const root of roots) visit(root, 0);
  for (const step of steps) visit(step, 0);
  return lines;
}

/** A failed step's stderr tail, indented under it and marked as quoted output. */
function tailLines(tail: string, depth: number): string[] {
  return tail.split("\n").map((line) => `${"  ".repeat(depth)}│ ${line}`);
}

export function formatRun(run: RunRecord & { steps?: StepRecord[] }): string {
  const lines = [
    `Run:        ${run.runId}`,
    `Pipeline:   ${run.pipeline} ${run.version}`,
    `Status:     ${SYMBOL[run.status] ?? ""} ${run.status}${run.message ? ` (${run.message})` : ""}`,
  ];
  if (Object.keys(run.parameters).length > 0) {
    lines.push(
      `Parameters: ${Object.entries(run.parameters)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")}`,
    );
  }
  if (run.startedAt) lines.push(`Duration:   ${duration(run.startedAt, run.finishedAt)}`);
  if (run.outputs && Object.keys(run.outputs).length > 0) {
    lines.push(
      `Outputs:    ${Object.entries(run.outputs)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")}`,
    );
  }
  const tailsInTree = new Set((run.steps ?? []).filter((s) => s.stderrTail).map((s) => s.stepId));
  for (const failed of run.failedSteps ?? []) {
    lines.push(
      `Failed:     ${failed.name}${failed.exitCode !== undefined ? ` (exit ${failed.exitCode})` : ""}: ${failed.message ?? ""}`,
    );
    // Shown once: under the step in the tree when the steps are listed, else here.
    if (failed.stderrTail && !tailsInTree.has(failed.stepId)) lines.push(...tailLines(failed.stderrTail, 6));
  }
  if (run.steps && run.steps.length > 0) lines.push("", ...formatSteps(run.steps));
  return lines.join("\n");
}

export function formatRunTable(runs: RunRecord[]): string {
  return table([
    ["RUN", "PIPELINE", "VERSION", "STATUS", "CREATED"],
    ...runs.map((r) => [r.runId, r.pipeline, r.version, r.status, r.createdAt]),
  ]);
}

export function formatStepTable(steps: StepRecord[]): string {
  return table([
    ["RUN", "STEP", "TEMPLATE", "PHASE", "FINISHED"],
    ...steps.map((s) => [
      s.runId,
      s.displayName || s.name,
      s.templateName ?? "",
      s.phase,
      s.finishedAt ?? "",
    ]),
  ]);
}

export function formatPipelineTable(
  pipelines: Array<{ name: string; latestVersion?: string; latestGoodVersion?: string; updatedAt?: string }>,
): string {
  return table([
    ["PIPELINE", "LATEST", "LATEST GOOD", "UPDATED"],
    ...pipelines.map((p) => [p.name, p.latestVersion ?? "", p.latestGoodVersion ?? "", p.updatedAt ?? ""]),
  ]);
}

/** Columns padded to their widest cell. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (cell ?? "").padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
