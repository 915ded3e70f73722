import type { Engine } from "../engine/engine";

// On globalThis rather than in a module variable so that the stack and the handlers share it even when they
// were loaded as separate bundles or module instances.
const KEY = Symbol.for("skiff.local.embeddedEngine");
type Holder = { [KEY]?: Engine };

/**
 * Makes the embedded stack's engine available to the handlers running in the same process (`SKIFF_ENGINE=local`
 * has no endpoint to connect to). `undefined` withdraws it.
 */
export function provideEmbeddedEngine(engine: Engine | undefined): void {
  (globalThis as Holder)[KEY] = engine;
}

/** The engine of the embedded stack this process runs, if any. */
export function embeddedEngine(): Engine | undefined {
  return (globalThis as Holder)[KEY];
}
