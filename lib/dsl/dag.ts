// The `dag()` builder: a DAG template whose tasks are graph nodes (lib/dsl/graph.ts).
import type { DAGTask } from "../argo";
import type { DeclMap } from "./data";
import type { TemplateDeclaration } from "./declare";
import {
  type Empty,
  type InputRefs,
  inputRefs,
  Node,
  renderNode,
  type TaskOptions,
  type WithArgs,
} from "./graph";
import { defineGraphTemplate, startGraphTemplate } from "./graph-template";
import { compact } from "./merge";
import { callSite } from "./site";
import type { Runnable, SkiffTemplate, TemplateOptions } from "./template";

export interface DagBuilder<I extends DeclMap, O extends DeclMap = Empty> {
  /** References to this DAG's own inputs. */
  readonly inputs: InputRefs<I>;
  /** This DAG itself, for a task that recurses into it (typed by the DAG's declared inputs and outputs). */
  readonly self: TemplateDeclaration<I, O>;
  /** Adds a task running `template`; its name defaults to the template's. */
  task<TI extends DeclMap, TO extends DeclMap, const W = never>(
    name: string,
    template: Runnable<TI, TO>,
    ...options: WithArgs<TI, TaskOptions<TI, TO, W>, W>
  ): Node<TI, TO>;
}

export interface DagOptions<I extends DeclMap, O extends DeclMap> extends TemplateOptions<I, O> {
  /** Stop scheduling new tasks once one fails; default: Argo's (true). */
  failFast?: boolean;
  /** Run only these tasks (and what they depend on); default: all. */
  target?: string;
}

/**
 * A DAG template. The block creates the tasks with `d.task(...)` and may return more output declarations
 * (which can reference the tasks, e.g. `param({ valueFrom: { parameter: t.outputs.x } })`). The first
 * argument is a name, the options, or a `declare(...)`d template this DAG defines; `d.self` runs the DAG
 * itself.
 */
export function dag<I extends DeclMap = Empty, O extends DeclMap = Empty, R extends DeclMap = Empty>(
  nameOrOptions: string | DagOptions<I, O> | TemplateDeclaration<I, O>,
  block: (d: DagBuilder<I, O>) => R | undefined,
): SkiffTemplate<I, O & R> {
  const site = callSite(dag);
  const head = startGraphTemplate<I, O, DagOptions<I, O>>(nameOrOptions, site, "tasks");
  const { options, graph } = head;
  const builder: DagBuilder<I, O> = {
    inputs: inputRefs(options.inputs),
    self: head.self,
    task(name, template, ...rest) {
      const node = new Node(name, template, rest[0] ?? {}, callSite(builder.task), graph);
      graph.add(node);
      return node;
    },
  };
  return defineGraphTemplate(head, block(builder), site, new Set(["failFast", "target"]), (ctx) => {
    const tasks = graph.nodes.map((node, index) => {
      if (node.site) ctx.sites.set(`${ctx.path}.dag.tasks[${index}]`, node.site);
      return renderNode(node) as DAGTask;
    });
    return { dag: compact({ tasks, failFast: options.failFast, target: options.target }) };
  });
}
