import type { SkiffConfig } from "../config";
import type { Engine } from "../engine/engine";
import type { RunStore } from "../ports/run-store";
import type { SpecStore } from "../ports/spec-store";

/** What the HTTP API's route logic runs against (ports only). */
export interface ApiDeps {
  runs: RunStore;
  specs: SpecStore;
  engine: Engine;
  config: Pick<SkiffConfig, "limits" | "profiles" | "overrides" | "engine">;
  /** New run ids. Default: lower-case ULIDs (valid Kubernetes label values). */
  newRunId?: () => string;
  /** Clock. Default: `() => new Date()`. */
  now?: () => Date;
}
