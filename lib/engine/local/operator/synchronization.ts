import type { Template } from "../../../argo";
import type { RunContext } from "./context";

/**
 * Takes the mutexes and semaphores of a `synchronization` block, in order, calling `onWait` with the key of each
 * one that is held; resolves with their releases.
 */
export async function acquireLocks(
  ctx: RunContext,
  sync: Template["synchronization"],
  onWait: (key: string) => void,
): Promise<Array<() => void>> {
  const releases: Array<() => void> = [];
  if (!sync) return releases;
  const ns = ctx.wf.metadata.namespace ?? "default";
  const wanted: Array<{ key: string; limit: number }> = [];
  for (const m of sync.mutexes ?? []) {
    wanted.push({ key: `${m.namespace ?? ns}/Mutex/${m.name ?? ""}`, limit: 1 });
  }
  for (const s of sync.semaphores ?? []) {
    const ref = s.configMapKeyRef;
    const id = `${ref?.name ?? ""}/${ref?.key ?? ""}`;
    wanted.push({
      key: `${s.namespace ?? ns}/ConfigMap/${id}`,
      limit: ctx.env.options.semaphores[id] ?? 1,
    });
  }
  for (const { key, limit } of wanted) {
    const lock = ctx.env.locks.get(key, limit);
    if (lock.inUse >= limit) onWait(key);
    releases.push(await lock.acquire());
  }
  return releases;
}
