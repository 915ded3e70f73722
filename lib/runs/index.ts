// The run model and its repository: what handlers and the local stack import.
export { DynamoCompletionOutbox } from "./dynamo-completion-outbox";
export { DynamoPipelineStore } from "./dynamo-pipeline-store";
export { DynamoRunStore, type DynamoRunStoreOptions } from "./dynamo-run-store";
export type { DynamoTableOptions } from "./dynamo-table";
export { ensureTable } from "./ensure-table";
export {
  ContentionError,
  InvalidCursorError,
  InvalidRunInputError,
  RunNotFoundError,
  RunStoreError,
} from "./errors";
export {
  applyOverrides,
  applyToSpec,
  OverrideError,
  type OverrideIssue,
  type OverrideRequest,
  type Overrides,
  overridesSchema,
  type Profile,
  parseProfiles,
  profileSchema,
} from "./overrides";
export {
  type DeclaredParameter,
  declaredParameters,
  defaultParameterLimits,
  type ParameterIssue,
  type ParameterLimits,
  type ParameterValidation,
  validateParameters,
  versionParameters,
} from "./parameters";
export { type Recording, recordingOf } from "./recording";
export { isTerminal, statusRank } from "./status";
export { createTableInput, INDEX, tableProperties } from "./table";
export {
  type ReconcileAction,
  type ReconcileOutcome,
  type SweepReport,
  Watcher,
  type WatcherDeps,
  type WatcherOptions,
} from "./watcher";
export {
  createWatcherHandler,
  InvalidWatcherEventError,
  parseWatcherEvent,
  type WatcherLog,
  type WatcherResult,
} from "./watcher-handler";
export {
  failedStepsOf,
  nodesOf,
  type RunSnapshot,
  runStatusOf,
  snapshotOf,
  stepOf,
} from "./workflow-mapping";
