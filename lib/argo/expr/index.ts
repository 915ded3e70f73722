/**
 * Argo's evaluators, used by the local engine and the schedules: Argo's `{{…}}` substitution, `{{=expr}}` (expr-lang), `when` (govaluate),
 * and DAG `depends` (parsed by lib/argo/depends). Pure code, no I/O.
 */
export { evaluateDepends, validateDepends } from "./depends";
export { ExpressionError, SubstitutionError } from "./errors";
export { evaluateExpr } from "./exprlang";
export { referencedPaths } from "./identifiers";
export { ABSENT_OPTIONAL, expandKeys, exprEnvFor, exprEnvOf, MapScope, type VariableLookup } from "./scope";
export { type SubstituteOptions, substitute } from "./substitute";
export { evaluateWhen } from "./when";
