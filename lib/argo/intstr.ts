/**
 * Argo's numeric fields that may hold a template tag (Kubernetes IntOrString: `retryStrategy.limit`,
 * `backoff.factor`, `activeDeadlineSeconds`, `withSequence`), resolved as Argo resolves them once substituted:
 * util/intstr (Int, Int32, Int64) and Go's strconv.Atoi.
 */

/** Go's strconv.Atoi: an optional sign and decimal digits, nothing else (no spaces, no fraction). */
export function atoi(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new Error(`strconv.Atoi: parsing ${goQuote(text)}: invalid syntax`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`strconv.Atoi: parsing ${goQuote(text)}: value out of range`);
  return n;
}

/** Argo's intstr.Int: a number as it is, a string (after substitution) only when it is an integer. */
export function intOrStringValue(value: number | string): number {
  if (typeof value === "number") return Math.trunc(value);
  try {
    return atoi(value);
  } catch (cause) {
    throw new Error(`value '${value}' cannot be resolved to an int`, { cause });
  }
}

/** Go's %q of a string (strconv.Quote) for the ASCII texts these messages carry. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}
