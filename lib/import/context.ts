// What the emitters share while one document is written.

import type { Accepts } from "./io";
import type { Namer } from "./names";

export type Json = Record<string, unknown>;

export interface TemplateInfo {
  name: string;
  template: Json;
  variable: string;
  /** What its inputs accept, when it is written with a builder. */
  accepts: Accepts;
  /** Output names its builder declares (typed `task.outputs.x`); empty for a raw template. */
  outputs: { parameters: ReadonlySet<string>; artifacts: ReadonlySet<string> };
  /** Names of the templates it runs (tasks, steps, exit handlers, hooks). */
  calls: Set<string>;
  /** Templates its written code refers to by variable (what the DSL collects into the workflow). */
  uses: Set<string>;
  /** Why it is written with `rawTemplate` (set when it is). */
  raw?: string;
}

export interface DocContext {
  file: string;
  namer: Namer;
  imports: Set<string>;
  templates: Map<string, TemplateInfo>;
  /** `templateRef(...)` handles by their JSON, with their variable. */
  refs: Map<string, string>;
  /** Module-level statements, in order. */
  statements: string[];
  /** Workflow arguments declared with `workflowArguments`. */
  args?: { variable: string; parameters: ReadonlySet<string> };
}
