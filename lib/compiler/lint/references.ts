import { parseDepends } from "../../argo/depends";
import type { Diagnostic } from "../diagnostics";
import { errorAt } from "../diagnostics";
import { lazy } from "../lazy";
import { asArray, isObject, type Json, keySegment, nameOf } from "./json";

// `{{…}}` references Argo resolves when it validates a workflow: tasks and steps of the same template,
// the template's inputs, and the workflow's parameters. Expressions (`{{=…}}`) are not checked.
const TAG = /\{\{\s*([^{}]*?)\s*\}\}/g;

interface ReferableNames {
  template: string;
  inputs: { parameters: Set<string>; artifacts: Set<string> };
  workflowParameters: Set<string> | undefined;
  /** WorkflowTemplates may receive parameters at submission that they do not declare: warn only. */
  openParameters: boolean;
  globalOutputs: Set<string> | undefined;
  /**
   * Task names referable here (DAG), or undefined outside a DAG: computed only when a reference needs them
   * (most tasks reference no sibling, and a task's ancestors cost as much as the chain is long).
   */
  tasks: (() => Set<string>) | undefined;
  allTasks: Set<string> | undefined;
  steps: (() => Set<string>) | undefined;
  allSteps: Set<string> | undefined;
}

/**
 * Calls `visit` for every string under `value` that holds a `{{`, with its spec path. Paths are spelled
 * only for those strings: a 500-task spec has thousands of strings and few references.
 */
function visitTemplated(
  value: unknown,
  path: string,
  visit: (text: string, path: string) => void,
  /** A member of `value` itself not to visit (scanned on its own with another scope). */
  skipKey?: string,
): void {
  const segments: (string | number)[] = [];
  const spell = () => path + segments.map((s) => (typeof s === "number" ? `[${s}]` : keySegment(s))).join("");
  const walk = (node: unknown): void => {
    if (typeof node === "string") {
      if (node.includes("{{")) visit(node, spell());
    } else if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        segments.push(i);
        walk(node[i]);
        segments.pop();
      }
    } else if (isObject(node)) {
      for (const key of Object.keys(node)) {
        if (key === skipKey && node === value) continue;
        segments.push(key);
        walk(node[key]);
        segments.pop();
      }
    }
  };
  walk(value);
}

function check(reference: string, scope: ReferableNames, path: string, out: Diagnostic[]): void {
  const parts = reference.split(".");
  const [head, second, third] = parts;
  const unknown = (message: string) =>
    out.push(errorAt("reference.unknown", `{{${reference}}}: ${message}`, undefined, path));
  if (head === "tasks" && second !== undefined && parts.length >= 3) {
    if (scope.allTasks === undefined)
      unknown(`template "${scope.template}" is not a DAG, so it has no tasks`);
    else if (!scope.allTasks.has(second)) unknown(`DAG "${scope.template}" has no task "${second}"`);
    else if (scope.tasks && !scope.tasks().has(second))
      unknown(`task "${second}" is not a dependency of this task, so its result is not known yet`);
  } else if (head === "steps" && second !== undefined && parts.length >= 3) {
    if (scope.allSteps === undefined)
      unknown(`template "${scope.template}" is not a steps template, so it has no steps`);
    else if (!scope.allSteps.has(second))
      unknown(`steps template "${scope.template}" has no step "${second}"`);
    else if (scope.steps && !scope.steps().has(second))
      unknown(`step "${second}" does not run before this step`);
  } else if (
    head === "inputs" &&
    (second === "parameters" || second === "artifacts") &&
    third !== undefined
  ) {
    const name = parts.slice(2).join(".");
    const declared = scope.inputs[second];
    const bare = name.replace(/\.path$/, "");
    if (!declared.has(name) && !(second === "artifacts" && declared.has(bare))) {
      unknown(
        `template "${scope.template}" has no input ${second === "parameters" ? "parameter" : "artifact"} "${name}"`,
      );
    }
  } else if (
    head === "workflow" &&
    second === "parameters" &&
    third !== undefined &&
    scope.workflowParameters
  ) {
    const name = parts.slice(2).join(".");
    if (name !== "json" && !scope.workflowParameters.has(name)) {
      const message = `{{${reference}}}: the workflow has no parameter "${name}" in spec.arguments`;
      // A WorkflowTemplate may be given parameters at submission that it does not declare.
      const severity = scope.openParameters ? "warning" : "error";
      out.push({ ...errorAt("reference.unknown", message, undefined, path), severity });
    }
  } else if (head === "workflow" && second === "outputs" && parts.length >= 4 && scope.globalOutputs) {
    const name = parts.slice(3).join(".");
    if (!scope.globalOutputs.has(name)) unknown(`no template exports a global output named "${name}"`);
  }
}

/**
 * Checks the references in the strings under `value`. The scope may be given as a function: it is made
 * only if a reference needs it (most tasks of a big DAG reference nothing).
 */
function scanStrings(
  value: unknown,
  path: string,
  scope: ReferableNames | (() => ReferableNames),
  out: Diagnostic[],
  skipKey?: string,
): void {
  let resolved: ReferableNames | undefined = typeof scope === "function" ? undefined : scope;
  const visit = (text: string, at: string) => {
    for (const match of text.matchAll(TAG)) {
      const reference = match[1];
      if (reference.startsWith("=")) continue;
      resolved ??= (scope as () => ReferableNames)();
      check(reference, resolved, at, out);
    }
  };
  visitTemplated(value, path, visit, skipKey);
}

function directDependencies(task: Json): string[] {
  const deps = asArray(task.dependencies).filter((d): d is string => typeof d === "string");
  if (typeof task.depends === "string") deps.push(...(parseDepends(task.depends) ?? []).map((o) => o.task));
  return deps;
}

function ancestors(name: string, deps: Map<string, string[]>): Set<string> {
  const found = new Set<string>();
  const pending = [...(deps.get(name) ?? [])];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (found.has(next)) continue;
    found.add(next);
    pending.push(...(deps.get(next) ?? []));
  }
  return found;
}

const names = (items: unknown): Set<string> =>
  new Set(
    asArray(items)
      .map(nameOf)
      .filter((n): n is string => n !== undefined),
  );

/** Unknown `{{…}}` references in every template of a workflow spec. */
export function checkReferences(spec: Json, specPath: string, kind: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  const templates = asArray(spec.templates);
  const args = isObject(spec.arguments) ? spec.arguments : {};
  // A workflow built on a WorkflowTemplate gets parameters from it that this spec cannot see.
  const workflowParameters = isObject(spec.workflowTemplateRef) ? undefined : names(args.parameters);
  const globals = new Set<string>();
  let dynamicGlobals = false;
  for (const template of templates) {
    if (!isObject(template) || !isObject(template.outputs)) continue;
    for (const kind of ["parameters", "artifacts"]) {
      for (const output of asArray(template.outputs[kind])) {
        if (isObject(output) && typeof output.globalName === "string") {
          globals.add(output.globalName);
          dynamicGlobals ||= output.globalName.includes("{{");
        }
      }
    }
  }
  const globalOutputs = dynamicGlobals || isObject(spec.workflowTemplateRef) ? undefined : globals;
  templates.forEach((template, i) => {
    if (!isObject(template)) return;
    const path = `${specPath}.templates[${i}]`;
    const inputs = isObject(template.inputs) ? template.inputs : {};
    const base: ReferableNames = {
      template: nameOf(template) ?? String(i),
      inputs: { parameters: names(inputs.parameters), artifacts: names(inputs.artifacts) },
      workflowParameters,
      openParameters: kind === "WorkflowTemplate" || kind === "ClusterWorkflowTemplate",
      globalOutputs,
      tasks: undefined,
      allTasks: undefined,
      steps: undefined,
      allSteps: undefined,
    };
    const { dag, steps, ...rest } = template;
    if (isObject(dag)) {
      const tasks = asArray(dag.tasks).filter(isObject);
      const allTasks = names(tasks);
      const deps = lazy(() => new Map(tasks.map((t) => [nameOf(t) ?? "", directDependencies(t)])));
      const inDag: ReferableNames = { ...base, allTasks };
      scanStrings(dag, `${path}.dag`, inDag, out, "tasks");
      tasks.forEach((task, t) => {
        const name = nameOf(task) ?? "";
        const known = lazy(() => ancestors(name, deps()));
        const at = `${path}.dag.tasks[${t}]`;
        scanStrings(task, at, () => ({ ...inDag, tasks: known }), out, "hooks");
        // Hooks run after (or while) the task runs, so they may read the task itself.
        if (task.hooks !== undefined) {
          const withItself = lazy(() => new Set([...known(), name]));
          scanStrings(task.hooks, `${at}.hooks`, () => ({ ...inDag, tasks: withItself }), out);
        }
      });
      scanStrings(rest, path, inDag, out);
    } else if (Array.isArray(steps)) {
      const allSteps = new Set<string>();
      for (const group of steps)
        for (const step of asArray(group)) if (nameOf(step)) allSteps.add(nameOf(step)!);
      const before = new Set<string>();
      steps.forEach((group, g) => {
        const groupSteps = asArray(group);
        groupSteps.forEach((step, s) => {
          if (!isObject(step)) return;
          const { hooks, ...call } = step;
          const at = `${path}.steps[${g}][${s}]`;
          // Read only while this step is scanned, before this group joins \`before\`.
          const earlier = () => before;
          scanStrings(call, at, { ...base, allSteps, steps: earlier }, out);
          if (hooks !== undefined) {
            const name = nameOf(step);
            const withItself = lazy(() => new Set([...earlier(), ...(name ? [name] : [])]));
            scanStrings(hooks, `${at}.hooks`, { ...base, allSteps, steps: withItself }, out);
          }
        });
        for (const step of groupSteps) if (nameOf(step)) before.add(nameOf(step)!);
      });
      scanStrings(rest, path, { ...base, allSteps }, out);
    } else {
      scanStrings(template, path, base, out);
    }
  });
  return out;
}
