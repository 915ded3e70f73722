/** A counting semaphore; `acquire` resolves with the function that releases the slot. */
export class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private limit: number) {}

  get inUse(): number {
    return this.active;
  }

  setLimit(limit: number): void {
    this.limit = limit;
    this.drain();
  }

  async acquire(): Promise<() => void> {
    if (this.active < this.limit) {
      this.active++;
    } else {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.releaser();
  }

  /** A free slot without waiting (no promise, no microtask: asked for every step), or undefined. */
  tryAcquire(): (() => void) | undefined {
    if (this.active >= this.limit) return undefined;
    this.active++;
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.drain();
    };
  }

  private drain(): void {
    while (this.active < this.limit && this.waiters.length > 0) {
      this.active++;
      this.waiters.shift()?.();
    }
  }
}

/** Named semaphores shared by every workflow of an engine: Argo's mutexes (limit 1) and semaphores. */
export class LockManager {
  private readonly locks = new Map<string, Semaphore>();

  get(key: string, limit: number): Semaphore {
    let lock = this.locks.get(key);
    if (!lock) {
      lock = new Semaphore(limit);
      this.locks.set(key, lock);
    }
    return lock;
  }
}
