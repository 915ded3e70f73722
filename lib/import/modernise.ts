// Argo fields the DSL's types (generated from Argo's current schema) no longer have, in their current form.
import { isRecord } from "./io";

const LEGACY_LOCKS: Record<string, string> = { mutex: "mutexes", semaphore: "semaphores" };

/**
 * A copy of `value` where every `synchronization.mutex`/`.semaphore` (deprecated in Argo 3.6, gone from its
 * schema since) is the one-element `mutexes`/`semaphores` list that replaced it: Argo 3.6 reads both as the
 * same lock, and only the list type-checks.
 */
export function modernise(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.map((entry) => modernise(entry));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = modernise(v, k);
  if (key === "synchronization") {
    for (const [legacy, list] of Object.entries(LEGACY_LOCKS)) {
      if (out[legacy] === undefined) continue;
      const current = Array.isArray(out[list]) ? (out[list] as unknown[]) : [];
      out[list] = [out[legacy], ...current];
      delete out[legacy];
    }
  }
  return out;
}
