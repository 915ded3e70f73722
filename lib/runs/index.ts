// The run model: overrides, parameters, status rules, the watcher (its DynamoDB adapters: lib/adapters/dynamodb).
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
