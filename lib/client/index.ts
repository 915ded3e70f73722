// `skiff/client`, the package's entry for programs (package.json "exports"): what lib/client offers today.
// The DSL (`skiff`) never imports this, so a pipeline loads no SDK.
export {
  ApiClient,
  ApiClientError,
  type LogsView,
  type PipelineView,
  type RunCreated,
  type RunView,
} from "./client";
export { type Endpoints, EndpointsError, findStackFile, resolveEndpoints } from "./endpoints";
export { formatDiagnostic, formatError, formatRun, formatRunTable, formatSteps } from "./format";
export {
  latestVersionNumber,
  ownVersion,
  PipelineBucket,
  PushError,
  type PushedUpload,
  type PushPlan,
  planPush,
  uploadReplaced,
  versionNumber,
  type WaitOptions,
  waitForBuild,
} from "./push";
export { isTerminalStatus, waitForRun } from "./wait";
