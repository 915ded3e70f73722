// Argo refuses a DAG whose dependencies loop; the DSL and the linter find the loop the same way.

/**
 * One cycle of a dependency graph (each task → the tasks it depends on), as a closed walk of task names
 * (`a → b → a`, following the edges), or undefined when there is none. Depth first, in the map's order.
 */
export function findCycle(deps: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "visiting") return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, "visiting");
    stack.push(node);
    for (const next of deps.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of deps.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}
