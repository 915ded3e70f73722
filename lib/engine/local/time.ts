import { parseGoDuration } from "../../argo/duration";

let cachedSecond = Number.NaN;
let cachedText = "";

/** Argo writes timestamps as RFC 3339 with second precision. */
export function rfc3339(date?: Date): string {
  // Formatted once per second: every node change stamps a time.
  const second = Math.floor((date ? date.getTime() : Date.now()) / 1000);
  if (second !== cachedSecond) {
    cachedText = `${new Date(second * 1000).toISOString().slice(0, 19)}Z`;
    cachedSecond = second;
  }
  return cachedText;
}

/** Argo durations: a bare number is seconds, otherwise a Go duration (`1m30s`, `2h`, `500ms`); `1d` is accepted too. */
export function parseDurationMs(text: string | number): number {
  if (typeof text === "number") return text * 1000;
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  // Go's units, and days too (`1d`), which Argo's own duration fields also take.
  const days = /^(\d+(?:\.\d+)?)d(.*)$/.exec(trimmed);
  const go = days ? (days[2] === "" ? 0 : parseGoDuration(days[2])) : parseGoDuration(trimmed);
  if (go === undefined) throw new Error(`invalid duration "${text}"`);
  return go + (days ? Number(days[1]) * 86_400_000 : 0);
}

/** Argo's humanized durations in messages (`Backoff for 2 seconds`, `1 minute 30 seconds`). */
export function humanDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (total < 60) return part(total, "second");
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  if (minutes < 60)
    return seconds ? `${part(minutes, "minute")} ${part(seconds, "second")}` : part(minutes, "minute");
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${part(hours, "hour")} ${part(minutes % 60, "minute")}` : part(hours, "hour");
}
