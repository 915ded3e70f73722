// The compiler: pipeline source (+ sibling files) → sandboxed evaluation → linted, deterministic spec.
export { BUNDLE_FILENAME, type CompileOptions, type CompileResult, compilePipeline } from "./compile";
export { BuildError, type CodeSite, type Diagnostic, formatDiagnostic, hasErrors } from "./diagnostics";
export {
  LIMITS,
  lintManifest,
  type ManifestSites,
  type ServiceAccountPolicy,
  serviceAccountPolicy,
} from "./lint";
export { parseManifests } from "./manifest-file";
export {
  DEFAULT_LIMITS,
  type EvaluationOutcome,
  type EvaluationRequest,
  IsolateSandbox,
  type Sandbox,
  type SandboxLimits,
} from "./sandbox/sandbox";
export { directorySourceFiles, memorySourceFiles, type SourceFiles } from "./source-files";
export { typecheckPipeline } from "./typecheck";
export { canonicalize, toJson, toYaml } from "./yaml";
