// The compiler: pipeline source (+ sibling files) → sandboxed evaluation → linted, deterministic spec.
export { BUNDLE_FILENAME, type CompileOptions, type CompileResult, compilePipeline } from "./compile";
export { BuildError, type CodeSite, type Diagnostic, formatDiagnostic, hasErrors } from "./diagnostics";
export {
  LIMITS,
  lintSpec,
  type NamespacePolicy,
  namespacePolicy,
  type ServiceAccountPolicy,
  type SpecSites,
  serviceAccountPolicy,
} from "./lint";
export {
  DEFAULT_LIMITS,
  type EvaluationOutcome,
  type EvaluationRequest,
  IsolateSandbox,
  type Sandbox,
  type SandboxLimits,
} from "./sandbox/sandbox";
export { directorySourceFiles, memorySourceFiles, type SourceFiles } from "./source-files";
export { parseSpecs } from "./spec-file";
export { typecheckPipeline } from "./typecheck";
export { canonicalize, toJson, toYaml } from "./yaml";
