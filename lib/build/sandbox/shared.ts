// The process-wide warm sandboxes, in a module of their own so that a command can start the worker before
// it loads the compiler (the worker's Node start-up then overlaps the compiler's module loading).
import { bundleDsl } from "../dsl-bundle";
import { Sandbox, type SandboxLimits } from "./sandbox";

const sandboxes = new Map<string, Sandbox>();

/** The process-wide warm sandbox for these limits. */
export function sharedSandbox(limits: SandboxLimits = {}): Sandbox {
  const key = JSON.stringify(limits, Object.keys(limits).sort());
  let sandbox = sandboxes.get(key);
  if (!sandbox) {
    sandbox = new Sandbox(limits);
    sandboxes.set(key, sandbox);
  }
  return sandbox;
}

/** Stops every shared sandbox worker (tests, and long-lived hosts shutting down). */
export function closeSharedSandboxes(): void {
  for (const sandbox of sandboxes.values()) sandbox.close();
  sandboxes.clear();
}

/**
 * Starts the default shared sandbox's worker without waiting for it, and hands it this installation's DSL
 * (prebuilt in dist/, else bundled now). Errors surface on the first build, which retries both.
 */
export function prewarmSharedSandbox(): void {
  const sandbox = sharedSandbox();
  sandbox.warm().catch(() => undefined);
  bundleDsl().then(
    (dsl) => sandbox.preload(dsl),
    () => undefined,
  );
}
