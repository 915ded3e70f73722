import type { ServiceAccountPolicy } from "../compiler/lint/service-accounts";
import type { SkiffConfig } from "../config";
import type { ArtifactReader } from "../ports/artifact-reader";
import type { Engine } from "../ports/engine";
import type { PipelineStore } from "../ports/pipeline-store";
import type { RunStore } from "../ports/run-store";
import type { SpecStore } from "../ports/spec-store";
import type { ScheduleService } from "../runs/schedules/service";

/** What the HTTP API's route logic runs against (ports only). */
export interface ApiDeps {
  pipelines: PipelineStore;
  runs: RunStore;
  specs: SpecStore;
  engine: Engine;
  /** Artifact downloads; without it the artifact route answers 501. */
  artifacts?: ArtifactReader;
  /** CronWorkflow pipelines' schedules (the `/schedules` routes); absent: those routes answer 501. */
  schedules?: ScheduleService;
  config: Pick<SkiffConfig, "limits" | "profiles" | "overrides" | "engine"> &
    Partial<Pick<SkiffConfig, "bucket">>;
  /** Which service accounts a spec may run as (checked at submit). Default: only the default account. */
  serviceAccounts?: ServiceAccountPolicy;
  /** New run ids. Default: lower-case ULIDs (valid Kubernetes label values). */
  newRunId?: () => string;
  /** Clock. Default: `() => new Date()`. */
  now?: () => Date;
}
