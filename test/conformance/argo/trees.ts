/**
 * Node trees Argo produces for deterministic examples, derived from Argo's naming rules (SEMANTICS.md (b)) and
 * its steps/DAG code. One line per node: `name|displayName|type|phase|children`, the workflow name written `@`.
 */
export const EXPECTED_TREES: Record<string, string[]> = {};
