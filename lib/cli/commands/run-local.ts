import { UsageError } from "../exit";
import type { RunCommandOptions } from "./run";

// Scaffolding: the owning issue replaces this with the real implementation.
export async function runLocal(_target: string, _options: RunCommandOptions): Promise<number> {
  throw new UsageError("this mode of `skiff run` is not built yet");
}
