import { useEffect, useState } from "preact/hooks";

/** What a view shows while it loads: the data, or the error, or neither yet. */
export interface Fetched<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  /** Loads again (after an action changed what the API would answer). */
  reload: () => void;
}

/**
 * Calls `load` when `deps` change, aborting the previous call, so a view never shows an answer for a URL the
 * user has already left.
 */
export function useFetch<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Fetched<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true }));
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, loading: false });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ error, loading: false });
      },
    );
    return () => controller.abort();
  }, [...deps, round]);
  return { ...state, reload: () => setRound((n) => n + 1) };
}
