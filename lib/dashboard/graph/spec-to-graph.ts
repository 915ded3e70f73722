// A Spec (Workflow, WorkflowTemplate or CronWorkflow, as JSON) as a graph: the entrypoint's DAG tasks with
// their dependencies, or its steps groups in order (a group's steps side by side), a task or step that calls
// another dag or steps template holding that template's graph as its children (collapsible), and the exit
// handler. Node ids are Argo's node names without the workflow's name (`.download`, `.outer.inner`,
// `[0].prepare`, `.onExit`; the root itself is ``), so a Run's steps find their nodes.
import type { DAGTask, ParallelSteps, Template, TemplateRef, WorkflowSpec, WorkflowStep } from "../../argo";
import { dependsTaskNames } from "../../argo/depends";
import type { GraphEdge, GraphModel, GraphNode } from "./types";

/** A Spec this module cannot read: not an object with a workflow spec. */
export class SpecShapeError extends Error {
  override name = "SpecShapeError";
}

/** Nested calls drawn before a call is shown as one node (recursive templates would never end). */
const MAX_DEPTH = 12;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The workflow spec inside any of the Spec kinds. */
function workflowSpecOf(spec: unknown): WorkflowSpec {
  if (!isObject(spec) || !isObject(spec.spec)) throw new SpecShapeError("the spec has no `spec` object");
  if (spec.kind === "CronWorkflow") {
    if (!isObject(spec.spec.workflowSpec))
      throw new SpecShapeError("the CronWorkflow has no `spec.workflowSpec` object");
    return spec.spec.workflowSpec as WorkflowSpec;
  }
  return spec.spec as WorkflowSpec;
}

function kindOf(template: Template | undefined): string {
  if (!template) return "missing";
  if (template.dag) return "dag";
  if (template.steps) return "steps";
  if (template.suspend) return "suspend";
  if (template.resource) return "resource";
  if (template.http) return "http";
  if (template.plugin) return "plugin";
  if (template.containerSet) return "container-set";
  if (template.data) return "data";
  return "pod";
}

const refText = (ref: TemplateRef) =>
  `${ref.clusterScope ? "cluster " : ""}template ${ref.name ?? "?"}/${ref.template ?? "?"}`;

interface Builder {
  templates: Map<string, Template>;
}

/** The graph of one dag or steps template's body, its nodes' ids under `prefix`. */
function bodyOf(b: Builder, template: Template, prefix: string, stack: string[]): GraphModel {
  if (template.dag) return dagBody(b, template.dag.tasks ?? [], prefix, stack);
  if (template.steps) return stepsBody(b, template.steps, prefix, stack);
  return { nodes: [], edges: [] };
}

/** A node for a task or step that runs `call`: a leaf, or a node holding its template's graph. */
function callNode(
  b: Builder,
  id: string,
  label: string,
  call: { template?: string; templateRef?: TemplateRef; inline?: Template },
  stack: string[],
): GraphNode {
  if (call.templateRef) return { id, label, kind: "template-ref", title: refText(call.templateRef) };
  const template = call.inline ?? (call.template ? b.templates.get(call.template) : undefined);
  const name = call.inline ? "inline template" : `template ${call.template ?? "?"}`;
  const kind = kindOf(template);
  const node: GraphNode = { id, label, kind, title: template ? `${name} (${kind})` : `${name}: not found` };
  if (!template || (kind !== "dag" && kind !== "steps")) return node;
  const key = call.template ?? id;
  if (stack.includes(key) || stack.length >= MAX_DEPTH) return { ...node, title: `${node.title}, recursive` };
  const children = bodyOf(b, template, id, [...stack, key]);
  return children.nodes.length > 0 ? { ...node, children } : node;
}

function dagBody(b: Builder, tasks: DAGTask[], prefix: string, stack: string[]): GraphModel {
  const names = new Set(tasks.map((task) => task.name));
  const nodes = tasks.map((task) => callNode(b, `${prefix}.${task.name}`, task.name, task, stack));
  const edges: GraphEdge[] = [];
  for (const task of tasks) {
    const upstream = new Set([
      ...(task.dependencies ?? []),
      ...(task.depends ? dependsTaskNames(task.depends) : []),
    ]);
    // A name the DAG lacks is the linter's finding; the graph draws what it can.
    for (const name of upstream)
      if (names.has(name) && name !== task.name)
        edges.push({ from: `${prefix}.${name}`, to: `${prefix}.${task.name}` });
  }
  return { nodes, edges };
}

/**
 * Each group is a junction node (`[i]`, Argo's StepGroup node) that fans out to the group's steps, which all
 * lead to the next group's junction: edges grow with the steps, not with the product of two groups' sizes.
 */
function stepsBody(b: Builder, groups: ParallelSteps[], prefix: string, stack: string[]): GraphModel {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  let previous: string[] = [];
  groups.forEach((group: WorkflowStep[], index) => {
    const junction = `${prefix}[${index}]`;
    nodes.push({ id: junction, label: `[${index}]`, kind: "group", title: `steps group ${index}` });
    for (const from of previous) edges.push({ from, to: junction });
    previous = group.map((step, position) => {
      const name = step.name ?? `step-${position}`;
      const id = `${junction}.${name}`;
      nodes.push(callNode(b, id, name, step, stack));
      edges.push({ from: junction, to: id });
      return id;
    });
  });
  return { nodes, edges };
}

/** The Spec's graph (see the module's comment). Throws SpecShapeError for something that is not a Spec. */
export function specToGraph(spec: unknown): GraphModel {
  const workflow = workflowSpecOf(spec);
  const templates = new Map<string, Template>();
  for (const template of Array.isArray(workflow.templates) ? workflow.templates : [])
    if (isObject(template) && typeof template.name === "string") templates.set(template.name, template);
  const b: Builder = { templates };

  if (workflow.workflowTemplateRef) {
    const ref = workflow.workflowTemplateRef;
    return {
      nodes: [{ id: "", label: ref.name ?? "workflow template", kind: "template-ref", title: refText(ref) }],
      edges: [],
    };
  }
  if (!workflow.entrypoint) {
    // A WorkflowTemplate without an entrypoint is a library: each template on its own.
    return {
      nodes: [...templates.keys()].map((name) => callNode(b, name, name, { template: name }, [])),
      edges: [],
    };
  }
  const entry = templates.get(workflow.entrypoint);
  const graph: GraphModel =
    entry && (entry.dag || entry.steps)
      ? bodyOf(b, entry, "", [workflow.entrypoint])
      : { nodes: [callNode(b, "", workflow.entrypoint, { template: workflow.entrypoint }, [])], edges: [] };
  if (workflow.onExit) {
    const exit = callNode(b, ".onExit", `onExit: ${workflow.onExit}`, { template: workflow.onExit }, []);
    const sources = new Set(graph.edges.map((e) => e.from));
    const last = graph.nodes.filter((n) => !sources.has(n.id));
    graph.nodes.push(exit);
    for (const node of last) graph.edges.push({ from: node.id, to: exit.id });
  }
  return graph;
}
