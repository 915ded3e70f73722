import { useEffect, useState } from "preact/hooks";
import { getJson, type RunView } from "../api";
import { poll } from "./poll";
import { isFinished, runSignature } from "./signature";

export interface LiveRun {
  run?: RunView;
  /** The last failed request; cleared by the next answer. */
  error?: unknown;
  /** Starts polling again (after an action that reopens a finished run, e.g. retry). */
  refresh: () => void;
}

/**
 * `GET /runs/{runId}` kept up to date: polled with back-off while the run is active (quick after a change,
 * slower while nothing changes), no more once it finished.
 */
export function useRun(runId: string): LiveRun {
  const [state, setState] = useState<{ run?: RunView; error?: unknown }>({});
  const [round, setRound] = useState(0);
  // `round` restarts the poll on purpose (refresh).
  useEffect(() => {
    const controller = new AbortController();
    // A new run id shows nothing of the previous run's.
    setState((previous) => (previous.run?.runId === runId ? previous : {}));
    const stop = poll<RunView>({
      load: () => getJson<RunView>(`/runs/${encodeURIComponent(runId)}`, controller.signal),
      onValue: (run) => setState({ run }),
      onError: (error) => {
        if (!controller.signal.aborted) setState((previous) => ({ ...previous, error }));
      },
      done: (run) => isFinished(run.status),
      changed: (before, after) => before === undefined || runSignature(before) !== runSignature(after),
    });
    return () => {
      stop();
      controller.abort();
    };
  }, [runId, round]);
  return { ...state, refresh: () => setRound((n) => n + 1) };
}

/** The time now, ticking every second while `live` (a running run's duration counts up). */
export function useNow(live: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [live]);
  return live ? now : Date.now();
}
