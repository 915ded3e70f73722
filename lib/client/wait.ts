import { TERMINAL_RUN_STATUSES } from "../ports/run-store";
import type { ApiClient, RunView } from "./client";
import { TimeoutError } from "./errors";

export const isTerminalStatus = (status: string) =>
  (TERMINAL_RUN_STATUSES as readonly string[]).includes(status);

export interface WaitForRunOptions {
  /** First poll interval; it grows to `maxIntervalMs` while nothing changes. Default 250 ms. */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** Give up (TimeoutError) after this long; no limit when absent. */
  timeoutMs?: number;
  onChange?: (run: RunView) => void;
  signal?: AbortSignal;
}

/** Polls a run until it is terminal, calling `onChange` whenever its status or steps change. */
export async function waitForRun(
  client: ApiClient,
  runId: string,
  options: WaitForRunOptions = {},
): Promise<RunView> {
  const first = options.intervalMs ?? 250;
  const max = Math.max(first, options.maxIntervalMs ?? 2000);
  const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  let interval = first;
  let last = "";
  for (;;) {
    const run = await client.getRun(runId);
    const fingerprint = JSON.stringify([run.status, run.steps.map((s) => [s.stepId, s.phase, s.message])]);
    if (fingerprint !== last) {
      last = fingerprint;
      interval = first;
      options.onChange?.(run);
    } else {
      interval = Math.min(max, Math.round(interval * 1.5));
    }
    if (isTerminalStatus(run.status)) return run;
    options.signal?.throwIfAborted();
    const left = deadline === undefined ? interval : deadline - Date.now();
    if (left <= 0) {
      throw new TimeoutError(
        `run ${runId} is still ${run.status} after ${formatMs(options.timeoutMs ?? 0)}; wait longer (--timeout) or check skiff get ${runId}`,
      );
    }
    await new Promise((r) => setTimeout(r, Math.min(interval, left)));
  }
}

export function formatMs(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 100) / 10} s`;
}
