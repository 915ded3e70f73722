import type { StatusUpdate, StepArtifact } from "../ports/run-store";
import { pool } from "./pool";

/** Distinct objects looked up per run at most: a run with more artifacts records the rest without a size. */
export const MAX_SIZED_ARTIFACTS = 100;
/** Lookups in flight at once. */
const CONCURRENCY = 8;

export interface SizeOptions {
  /** The stored object's size in bytes, undefined when there is no object at `key` (a directory's prefix). */
  sizeOf: (key: string) => Promise<number | undefined>;
  /** Default MAX_SIZED_ARTIFACTS. */
  max?: number;
}

const inBucket = (a: StepArtifact) => a.key !== undefined && a.bucket === undefined && a.size === undefined;

/**
 * Fills `size` on the steps' artifacts from the Skiff bucket, once, as a run's final status is recorded: Argo
 * keeps no size on its nodes, so the object is looked up (a HEAD) by its key; an input artifact shares its
 * producer's key, so each object is looked up once. Sizes are of what is stored: Argo's tar+gzip archive when
 * the artifact was archived, the file itself otherwise. Unknown stays unset: an artifact in a bucket of its own,
 * a directory stored as one object per file, an object gone or unreadable, or beyond the first `max` objects.
 * A failed lookup never keeps the status from being recorded.
 */
export async function withArtifactSizes(update: StatusUpdate, options: SizeOptions): Promise<StatusUpdate> {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const step of update.steps) {
    for (const a of [...(step.inputArtifacts ?? []), ...(step.outputArtifacts ?? [])]) {
      if (!inBucket(a) || seen.has(a.key as string)) continue;
      seen.add(a.key as string);
      keys.push(a.key as string);
    }
  }
  const wanted = keys.slice(0, options.max ?? MAX_SIZED_ARTIFACTS);
  if (!wanted.length) return update;
  const sizes = new Map<string, number>();
  await pool(wanted, CONCURRENCY, async (key) => {
    const size = await options.sizeOf(key).catch(() => undefined);
    if (size !== undefined) sizes.set(key, size);
  });
  if (!sizes.size) return update;
  const sized = (list: StepArtifact[] | undefined) =>
    list?.map((a) =>
      inBucket(a) && sizes.has(a.key as string) ? { ...a, size: sizes.get(a.key as string) } : a,
    );
  return {
    ...update,
    steps: update.steps.map((s) =>
      s.inputArtifacts || s.outputArtifacts
        ? {
            ...s,
            ...(s.inputArtifacts ? { inputArtifacts: sized(s.inputArtifacts) } : {}),
            ...(s.outputArtifacts ? { outputArtifacts: sized(s.outputArtifacts) } : {}),
          }
        : s,
    ),
  };
}
