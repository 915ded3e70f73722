import type { Command } from "commander";
import { registerArtifactsCommands } from "./artifacts";
import { registerContextCommands } from "./context";
import { registerPipelinesCommands } from "./pipelines";
import { registerPushCommand } from "./push";
import { registerRunsCommands } from "./runs";
import { registerSchedulesCommands } from "./schedules";
import { registerTemplatesCommands } from "./templates";

/** The commands that talk to a running Skiff, through the context picked (lib/cli/context-option.ts). */
export function registerRemoteCommands(program: Command): void {
  registerPushCommand(program);
  registerRunsCommands(program);
  registerArtifactsCommands(program);
  registerPipelinesCommands(program);
  registerSchedulesCommands(program);
  registerTemplatesCommands(program);
  registerContextCommands(program);
}
