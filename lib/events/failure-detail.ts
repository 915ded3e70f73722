import type { LogLine } from "../ports/engine";
import type { FailedStep } from "../ports/run-store";

/**
 * The bounds of a failed step's readable error (README, "Failures you can read"). They keep a run's record well
 * under DynamoDB's 400 KB item and `Pipeline Run Completed` under EventBridge's 256 KB entry, however many steps
 * fail or however long their output is.
 */
export const FAILURE_BOUNDS = {
  /** A step's message is cut to this many bytes (UTF-8). */
  messageBytes: 1024,
  /** The stderr tail keeps at most this many last lines… */
  tailLines: 20,
  /** …and at most this many bytes (UTF-8), cut at the start so the last line, the exception, stays. */
  tailBytes: 2048,
  /** Only the first failed steps (by start time) get a tail: one log read each. */
  stepsWithTail: 5,
  /** `Pipeline Run Completed` lists at most this many failed steps; `failedStepCount` tells how many failed. */
  stepsInEvent: 20,
  /** The completion event's detail is kept under this many bytes; tails are dropped first when it would not be. */
  eventDetailBytes: 200 * 1024,
} as const;

const encoder = new TextEncoder();

export function byteLength(text: string): number {
  return encoder.encode(text).length;
}

/** `text` cut to `max` bytes at its end, marked with `…` (never splitting a character). */
export function truncateEnd(text: string, max: number): string {
  if (byteLength(text) <= max) return text;
  let out = "";
  let used = 0;
  for (const char of text) {
    const size = byteLength(char);
    if (used + size > max - 3) break;
    out += char;
    used += size;
  }
  return `${out}…`;
}

/** `text` cut to `max` bytes at its start, marked with `…` (the end of a traceback is what names the error). */
export function truncateStart(text: string, max: number): string {
  if (byteLength(text) <= max) return text;
  const chars = [...text];
  let used = 3;
  let start = chars.length;
  while (start > 0) {
    const size = byteLength(chars[start - 1] ?? "");
    if (used + size > max) break;
    used += size;
    start--;
  }
  return `…${chars.slice(start).join("")}`;
}

/**
 * The last lines of a step's error output. The local engine keeps stderr apart; Kubernetes merges a container's
 * streams into one log, so when no line is marked stderr the tail of the whole log is taken.
 */
export function stderrTailOf(lines: LogLine[]): string | undefined {
  const stderr = lines.filter((l) => l.stream === "stderr");
  const source = stderr.length ? stderr : lines;
  const texts = source.map((l) => l.text.replace(/\r?\n$/, ""));
  while (texts.length && texts.at(-1)?.trim() === "") texts.pop();
  if (!texts.length) return undefined;
  return truncateStart(texts.slice(-FAILURE_BOUNDS.tailLines).join("\n"), FAILURE_BOUNDS.tailBytes);
}

/** A step message within its bound. */
export function boundedMessage(message: string | undefined): string | undefined {
  return message ? truncateEnd(message, FAILURE_BOUNDS.messageBytes) : undefined;
}

/** The failed steps an event carries: the first ones within the bound, and how many failed in all when cut. */
export function failedStepsForEvent(steps: FailedStep[]): {
  failedSteps: FailedStep[];
  failedStepCount?: number;
} {
  if (steps.length <= FAILURE_BOUNDS.stepsInEvent) return { failedSteps: steps };
  return { failedSteps: steps.slice(0, FAILURE_BOUNDS.stepsInEvent), failedStepCount: steps.length };
}
