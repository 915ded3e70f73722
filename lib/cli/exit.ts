/** Exit codes shared by every command: 0 ok, 1 diagnostics / failed run, 2 usage. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Thrown for bad command-line input; printed without a stack and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Parses repeated `k=v` flags into a record, naming the flag in the error. */
export function parseKeyValues(values: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values ?? []) {
    const eq = value.indexOf("=");
    if (eq <= 0) throw new UsageError(`${flag} expects key=value, got "${value}"`);
    out[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return out;
}

/** Accumulator for repeatable options (commander). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `skiff wait --timeout`: the run did not finish in time. */
export const EXIT_TIMEOUT = 3;

/** `90s`, `10m`, `1h`, `500ms`, or a number of seconds → milliseconds; names the flag when it is not one. */
export function parseDuration(value: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new UsageError(`${flag} expects a duration such as 90s, 10m or 1h, got "${value}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? "s") as "ms" | "s" | "m" | "h"];
  return Math.round(Number(match[1]) * unit);
}
