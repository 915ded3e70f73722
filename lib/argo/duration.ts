// Go's time.ParseDuration, which Argo uses for every duration it reads (`@every 1h30m`, suspend and retry
// backoff durations, timeouts): one or more `<number><unit>` parts, units ns, us/µs, ms, s, m, h.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** An unsigned Go duration in milliseconds; undefined when `text` is not one. */
export function parseGoDuration(text: string): number | undefined {
  if (!/^(?:\d+(?:\.\d*)?(?:ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d*)?)(ns|us|µs|ms|s|m|h)/g))
    total += Number(n) * UNIT_MS[unit];
  return total;
}
