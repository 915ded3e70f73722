/**
 * The local engine's evaluators: Argo's `{{…}}` substitution, `{{=expr}}` (expr-lang), `when` (govaluate),
 * DAG `depends`, and the FNV-1a hash behind node ids. Pure code, no I/O.
 */
export {
  type ContinueOn,
  type DependsTaskState,
  dependenciesSatisfied,
  dependenciesToDepends,
  dependsResolved,
  dependsTaskNames,
  evaluateDepends,
  expandDepends,
  type NodePhase,
  validateDepends,
} from "./depends";
export { ExpressionError, SubstitutionError } from "./errors";
export { evaluateExpr } from "./exprlang";
export { referencedPaths } from "./identifiers";
export { expandKeys, exprEnvFor, exprEnvOf, MapScope, type Scope } from "./scope";
export { type SubstituteOptions, substitute } from "./substitute";
export { evaluateWhen } from "./when";
