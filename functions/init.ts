import { config, type SkiffConfig } from "../lib/config";

/**
 * A function's dependencies, made from the configuration on first use and kept for the container's life. They
 * are made again when making them failed (the next invocation retries) or when the configuration was reset
 * (`resetConfig`: the local stack and tests change the environment).
 */
export function fromConfig<T>(make: (config: SkiffConfig) => T | Promise<T>): () => Promise<T> {
  let made: { config: SkiffConfig; deps: Promise<T> } | undefined;
  return async () => {
    const current = config();
    if (made?.config !== current) {
      const deps = Promise.resolve(current).then(make);
      made = { config: current, deps };
      deps.catch(() => {
        if (made?.deps === deps) made = undefined;
      });
    }
    return made.deps;
  };
}
