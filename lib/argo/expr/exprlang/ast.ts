/** The expr-lang syntax tree. */
export type Node =
  | { type: "nil" }
  | { type: "bool"; value: boolean }
  | { type: "number"; value: number; integer: boolean }
  | { type: "string"; value: string }
  | { type: "identifier"; name: string }
  /** `#`, `#index`, `#acc` and the bare `.field` shorthand inside predicates. */
  | { type: "pointer"; name: string }
  | { type: "unary"; operator: string; operand: Node }
  | { type: "binary"; operator: string; left: Node; right: Node }
  | { type: "member"; object: Node; property: Node; optional: boolean }
  | { type: "slice"; object: Node; from?: Node; to?: Node }
  | { type: "call"; callee: Node; args: Node[] }
  | { type: "builtin"; name: string; args: Node[] }
  | { type: "predicate"; body: Node }
  /** Wraps an optional chain (`a?.b.c`) so that a nil short-circuits the whole chain. */
  | { type: "chain"; node: Node }
  | { type: "conditional"; test: Node; consequent: Node; alternate: Node }
  | { type: "array"; items: Node[] }
  | { type: "map"; entries: Array<{ key: Node; value: Node }> }
  | { type: "let"; name: string; value: Node; body: Node }
  | { type: "sequence"; nodes: Node[] };
