// What "semantically equal" means for the import round trip: the rules under which an imported and rebuilt
// Spec is compared with the original document. Each rule says why Argo reads both sides the same.
import { canonicalDepends } from "../../../lib/import";

type Json = unknown;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Fields Argo declares as IntOrString (or reads as a string whatever the YAML scalar was): `3` and `"3"` are
 * one value to Argo's decoder.
 */
const INT_OR_STRING = new Set([
  "limit",
  "duration",
  "factor",
  "maxDuration",
  "activeDeadlineSeconds",
  "parallelism",
]);

/** Parameter values: Argo's `AnyString` decodes a YAML number or boolean into its text. */
const ANY_STRING = new Set(["value", "default"]);

/** Lists Argo reads as sets keyed by name: order does not change what runs (templates by name, DAG tasks by depends). */
const BY_NAME = new Set(["templates", "tasks"]);

/**
 * The Spec under the comparison's rules:
 * - key order is ignored (JSON objects);
 * - `null` members and empty lists are absent (Go's decoder leaves a nil slice either way), and so are empty
 *   objects except where `{}` itself means something (`emptyDir: {}`, `suspend: {}`, `archive: {none: {}}`):
 *   those are kept wherever they are not the value of a structural key listed in `EMPTY_MEANS_NOTHING`;
 * - IntOrString and AnyString scalars compare as text (see above);
 * - `templates` and DAG `tasks` compare as sets by name;
 * - a `depends` expression compares by its parse tree (spacing and redundant parentheses are not meaning);
 * - a CronWorkflow's `schedule: x` is `schedules: [x]` (Argo 3.6 reads both into one list);
 * - `synchronization.mutex: x` is `mutexes: [x]`, and `semaphore` likewise (Argo 3.6 reads the deprecated
 *   singular as a one-element list; its schema, and so the DSL's types, have only the lists).
 */
export function normalise(value: Json, key = ""): Json {
  if (Array.isArray(value)) {
    const items = value.map((entry) => normalise(entry, key === "enum" ? "value" : ""));
    if (BY_NAME.has(key)) {
      return [...items].sort((a, b) =>
        String(isRecord(a) ? a.name : "").localeCompare(String(isRecord(b) ? b.name : "")),
      );
    }
    return items;
  }
  if (isRecord(value)) {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue;
      if (Array.isArray(v) && v.length === 0) continue;
      const entry = normalise(v, k);
      if (isRecord(entry) && Object.keys(entry).length === 0 && EMPTY_MEANS_NOTHING.has(k)) continue;
      out[k] = entry;
    }
    if (key === "synchronization") {
      for (const [legacy, list] of [
        ["mutex", "mutexes"],
        ["semaphore", "semaphores"],
      ]) {
        if (out[legacy] === undefined) continue;
        out[list] = [out[legacy], ...((out[list] as Json[] | undefined) ?? [])];
        delete out[legacy];
      }
    }
    if (typeof out.schedule === "string" && out.schedules === undefined) {
      out.schedules = [out.schedule];
      delete out.schedule;
    }
    return out;
  }
  if (key === "depends" && typeof value === "string") return canonicalDepends(value);
  if (
    (INT_OR_STRING.has(key) || ANY_STRING.has(key)) &&
    (typeof value === "number" || typeof value === "boolean")
  ) {
    return String(value);
  }
  return value;
}

/** Structural keys whose empty object says nothing (the DSL leaves them out). */
const EMPTY_MEANS_NOTHING = new Set(["inputs", "outputs", "arguments", "metadata", "labels", "annotations"]);
