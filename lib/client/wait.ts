import { TERMINAL_RUN_STATUSES } from "../ports/run-store";
import type { ApiClient, RunView } from "./client";

export const isTerminalStatus = (status: string) =>
  (TERMINAL_RUN_STATUSES as readonly string[]).includes(status);

/** Polls a run until it is terminal, calling `onChange` whenever its status or steps change. */
export async function waitForRun(
  client: ApiClient,
  runId: string,
  options: { intervalMs?: number; onChange?: (run: RunView) => void } = {},
): Promise<RunView> {
  const intervalMs = options.intervalMs ?? 250;
  let last = "";
  for (;;) {
    const run = await client.getRun(runId);
    const fingerprint = JSON.stringify([run.status, run.steps.map((s) => [s.stepId, s.phase, s.message])]);
    if (fingerprint !== last) {
      last = fingerprint;
      options.onChange?.(run);
    }
    if (isTerminalStatus(run.status)) return run;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
