/** How a poll backs off: quick after a change, slower while nothing changes, slower still after failures. */
export interface BackoffOptions {
  /** The delay after a change (and the first). Default: 500 ms. */
  minMs?: number;
  /** The longest delay while answers keep coming unchanged. Default: 1500 ms. */
  maxMs?: number;
  /** How much each unchanged answer lengthens the delay. Default: 1.5. */
  factor?: number;
  /** The longest delay while requests keep failing. Default: 15 s. */
  failedMaxMs?: number;
}

const DEFAULTS: Required<BackoffOptions> = { minMs: 500, maxMs: 1500, factor: 1.5, failedMaxMs: 15_000 };

export type PollOutcome = "changed" | "same" | "failed";

/** The delay before the next request, given the last one and what its answer was. */
export function nextDelay(
  previous: number | undefined,
  outcome: PollOutcome,
  options: BackoffOptions = {},
): number {
  const o = { ...DEFAULTS, ...options };
  if (outcome === "changed" || previous === undefined) return o.minMs;
  return Math.min(Math.ceil(previous * o.factor), outcome === "failed" ? o.failedMaxMs : o.maxMs);
}

export interface PollOptions<T> extends BackoffOptions {
  /** One request; its rejection counts as a failed poll (reported through `onError`, then retried). */
  load: () => Promise<T>;
  onValue: (value: T) => void;
  onError?: (error: unknown) => void;
  /** No further request after a value this accepts (a finished run). */
  done: (value: T) => boolean;
  /** Whether a value differs from the one before (it resets the back-off). Default: always. */
  changed?: (before: T | undefined, after: T) => boolean;
  /** Timers, for tests. Default: the global ones. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * Polls until `done` (or until the returned function is called): one request at a time, the next scheduled by
 * `nextDelay` once the answer is in. The first request goes out at once.
 */
export function poll<T>(options: PollOptions<T>): () => void {
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const changed = options.changed ?? (() => true);
  let stopped = false;
  let handle: unknown;
  let delay: number | undefined;
  let last: T | undefined;
  const round = async () => {
    let outcome: PollOutcome;
    try {
      const value = await options.load();
      if (stopped) return;
      outcome = delay === undefined || changed(last, value) ? "changed" : "same";
      last = value;
      options.onValue(value);
      if (options.done(value)) return;
    } catch (error) {
      if (stopped) return;
      outcome = "failed";
      options.onError?.(error);
    }
    delay = nextDelay(delay, outcome, options);
    handle = setTimer(() => void round(), delay);
  };
  void round();
  return () => {
    stopped = true;
    if (handle !== undefined) clearTimer(handle);
  };
}
