// `skiff/client`: Skiff for programs. Reaches Skiff only over its HTTP API (no server code is loaded here).

export type { ErrorBody, ErrorDetail } from "../api/error-body";
export type { TemplateEntry, TemplateState, TemplateView } from "../pipelines/template-view";
export type { TemplateKind } from "../ports/engine";
export type { PipelineRecord, PipelineVersion } from "../ports/pipeline-store";
export type {
  FailedStep,
  RunCounts,
  RunRecord,
  RunStatus,
  StepArtifact,
  StepRecord,
} from "../ports/run-store";
export type { ScheduleView } from "../ports/schedule-store";
export { type ArchiveEntry, isGzip, readTarGzip, unpackArtifact } from "./archive";
export type {
  ApiClientOptions,
  ArtifactLink,
  LogsView,
  PipelineView,
  ResumeRequest,
  RunCountsView,
  RunCreated,
  RunRequest,
  RunView,
} from "./client";
export { ApiClient } from "./client";
export {
  type ContextOptions,
  ContextStore,
  configDir,
  LOCAL_CONTEXT,
  type ResolvedContext,
  resolveContext,
  type SavedContext,
} from "./contexts";
export { type Endpoints, EndpointsError, findStackFile, resolveEndpoints } from "./endpoints";
export {
  ApiClientError,
  BadRequestError,
  ConflictError,
  ContextError,
  CredentialsError,
  ExpiredCredentialsError,
  ForbiddenError,
  NotFoundError,
  RunFailedError,
  RunNotFoundError,
  SkiffClientError,
  TimeoutError,
  UnreachableError,
} from "./errors";
export {
  type LogsOptions,
  RunHandle,
  type RunLogLine,
  type StepArtifactView,
  type WaitOptions,
} from "./run-handle";
export {
  type ListRunsOptions,
  Paged,
  PipelinesApi,
  type RunOptions,
  RunsApi,
  SchedulesApi,
  SkiffClient,
  type SkiffClientOptions,
  StepsApi,
  TemplatesApi,
} from "./skiff-client";
