// Skiff's pipeline DSL: what `import { ... } from "skiff"` gives a pipeline.
export type { Spec } from "../argo";
export { type DagBuilder, type DagOptions, dag } from "./dag";
export {
  type Archive,
  type ArtifactDecl,
  type ArtifactOptions,
  artifact,
  type DeclMap,
  type ParamDecl,
  type ParamOptions,
  param,
  type Value,
} from "./data";
export { declare, TemplateDeclaration } from "./declare";
export { configMapEnv, type EnvFrom, type EnvInput, fieldEnv, resourceEnv, secretEnv } from "./env";
export { DslError, type SourceSite } from "./errors";
export { Expr, type ExprInput, type ExprMode, ex, isExpr } from "./ex";
export {
  and,
  eq,
  expression,
  ge,
  gt,
  inputs,
  item,
  itemField,
  le,
  lt,
  matches,
  ne,
  not,
  type Operand,
  or,
  workflowRef,
} from "./expr";
export {
  type ArgValues,
  type ArtifactArg,
  chain,
  type Hook,
  type Hooks,
  type InputRefs,
  inputRefs,
  Node,
  type Step,
  type StepOptions,
  type Task,
  type TaskOptions,
} from "./graph";
export { type PyParam, type PythonScriptOptions, py, pythonScript } from "./python-script";
export { bash, node, type PythonOptions, python, shell, type TsStepOptions, tsStep } from "./scripts";
export { type CallSiteCapture, setCallSiteCapture } from "./site";
export type { SprigFunction } from "./sprig-names";
export { type StepAdder, type StepsBuilder, steps } from "./steps";
export {
  type ContainerOptions,
  container,
  type HttpOptions,
  http,
  type ResourceOptions,
  type Runnable,
  rawTemplate,
  resource,
  type ScriptOptions,
  SkiffTemplate,
  type SuspendOptions,
  script,
  suspend,
  type TemplateOptions,
  type TemplateRefHandle,
  templateRef,
} from "./template";
export {
  type ArgumentInput,
  type CronOptions,
  clusterWorkflowTemplate,
  cronWorkflow,
  isSkiffResource,
  type ResourceKind,
  type ResourceName,
  SkiffResource,
  specSites,
  specWithSites,
  type WorkflowArguments,
  type WorkflowOptions,
  workflow,
  workflowArguments,
  workflowTemplate,
} from "./workflow";
