// Which templates run which: the order to write them in (a template before its users) and the recursive ones.
import type { Json } from "./context";
import { isRecord } from "./io";

/** Names of the templates a template runs: its tasks' or steps' templates, their exit handlers and hooks. */
export function calledTemplates(template: Json): Set<string> {
  const called = new Set<string>();
  const nodes: unknown[] = [];
  if (isRecord(template.dag) && Array.isArray(template.dag.tasks)) nodes.push(...template.dag.tasks);
  if (Array.isArray(template.steps))
    for (const group of template.steps) if (Array.isArray(group)) nodes.push(...group);
  for (const node of nodes) {
    if (!isRecord(node)) continue;
    if (typeof node.template === "string") called.add(node.template);
    if (typeof node.onExit === "string") called.add(node.onExit);
    if (isRecord(node.hooks)) {
      for (const hook of Object.values(node.hooks)) {
        if (isRecord(hook) && typeof hook.template === "string") called.add(hook.template);
      }
    }
  }
  return called;
}

/** Templates in an order where each comes after the ones it runs (callers of a cycle come after all of it). */
export function dependencyOrder(
  names: readonly string[],
  calls: ReadonlyMap<string, ReadonlySet<string>>,
): string[] {
  const ordered: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string): void => {
    if (state.has(name) || !calls.has(name)) return;
    state.set(name, "visiting");
    for (const callee of calls.get(name) ?? []) visit(callee);
    state.set(name, "done");
    ordered.push(name);
  };
  for (const name of names) visit(name);
  return ordered;
}

/**
 * Templates that run themselves, directly or through others (Tarjan's strongly connected components), each
 * with the members of its cycle (itself alone when it runs itself directly).
 */
export function recursiveTemplates(
  calls: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, readonly string[]> {
  const recursive = new Map<string, readonly string[]>();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  let counter = 0;
  const connect = (name: string): void => {
    index.set(name, counter);
    low.set(name, counter++);
    stack.push(name);
    onStack.add(name);
    for (const callee of calls.get(name) ?? []) {
      if (!calls.has(callee)) continue;
      if (!index.has(callee)) {
        connect(callee);
        low.set(name, Math.min(low.get(name) as number, low.get(callee) as number));
      } else if (onStack.has(callee)) {
        low.set(name, Math.min(low.get(name) as number, index.get(callee) as number));
      }
    }
    if (low.get(name) !== index.get(name)) return;
    const component: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      component.push(member);
      if (member === name) break;
    }
    if (component.length > 1 || calls.get(name)?.has(name)) {
      for (const member of component) recursive.set(member, component);
    }
  };
  for (const name of calls.keys()) if (!index.has(name)) connect(name);
  return recursive;
}
