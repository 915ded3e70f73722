import { homedir } from "node:os";
import { join } from "node:path";

/** The context that is the embedded stack (found through its `.skiff/stack.json`, never saved). */
export const LOCAL_CONTEXT = "local";

/** `$XDG_CONFIG_HOME/skiff`, else `~/.config/skiff`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME?.trim() ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), ".config");
  return join(base, "skiff");
}
