/**
 * A bounded in-memory cache for values that never change once written — a recorded pipeline version and its
 * compiled spec — so a warm container reads each only once. Oldest entries go first.
 */
export class ImmutableCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly capacity = 200) {}

  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const value = await load();
    if (value === undefined) return undefined;
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}

const caches = new WeakMap<object, Map<string, ImmutableCache<unknown>>>();

/** One cache per owner (e.g. per store instance) and purpose, so separate stacks never share entries. */
export function cacheFor<V>(owner: object, purpose: string): ImmutableCache<V> {
  let byPurpose = caches.get(owner);
  if (!byPurpose) {
    byPurpose = new Map();
    caches.set(owner, byPurpose);
  }
  let cache = byPurpose.get(purpose);
  if (!cache) {
    cache = new ImmutableCache<unknown>();
    byPurpose.set(purpose, cache);
  }
  return cache as ImmutableCache<V>;
}
