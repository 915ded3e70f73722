// The `steps()` builder: groups of graph nodes (lib/dsl/graph.ts) run one after another.
import type { Template as ArgoTemplate, WorkflowStep } from "../argo";
import type { DeclMap } from "./data";
import type { TemplateDeclaration } from "./declare";
import { DslError, type SourceSite } from "./errors";
import {
  type Empty,
  Graph,
  type InputRefs,
  inputRefs,
  Node,
  nodeTemplates,
  renderNode,
  type StepOptions,
  type WithArgs,
} from "./graph";
import { closeGraph, graphTemplateOptions } from "./graph-template";
import { callSite } from "./site";
import {
  defineTemplate,
  type RenderContext,
  type Runnable,
  type SkiffTemplate,
  type TemplateOptions,
} from "./template";

export interface StepAdder {
  /** Adds a step running `template`. */
  step<TI extends DeclMap, TO extends DeclMap, const W = never>(
    name: string,
    template: Runnable<TI, TO>,
    ...options: WithArgs<TI, StepOptions<TI, TO, W>, W>
  ): Node<TI, TO>;
}

export interface StepsBuilder<I extends DeclMap, O extends DeclMap = Empty> extends StepAdder {
  readonly inputs: InputRefs<I>;
  /** This steps template itself, for a step that recurses into it (typed by its declared inputs and outputs). */
  readonly self: TemplateDeclaration<I, O>;
  /** A group of steps that run in parallel: every `p.step(...)` inside `block` joins the same group. */
  parallel<T>(block: (p: StepAdder) => T): T;
}

/**
 * A steps template: groups run one after another; steps inside a group run in parallel. The first argument is
 * a name, the options, or a `declare(...)`d template this defines; `s.self` runs the template itself.
 */
export function steps<I extends DeclMap = Empty, O extends DeclMap = Empty, R extends DeclMap = Empty>(
  nameOrOptions: string | TemplateOptions<I, O> | TemplateDeclaration<I, O>,
  block: (s: StepsBuilder<I, O>) => R | undefined,
): SkiffTemplate<I, O & R> {
  const site = callSite(steps);
  const { options, self } = graphTemplateOptions<I, O, TemplateOptions<I, O>>(nameOrOptions, site);
  const graph = new Graph(options.name, "steps");
  const groups: Node[][] = [];
  let openGroup: Node[] | undefined;
  const add = (name: string, template: Runnable, rest: unknown[], at: SourceSite | undefined): Node => {
    const node = new Node(name, template, (rest[0] ?? {}) as StepOptions<DeclMap>, at, graph);
    graph.add(node);
    if (openGroup) openGroup.push(node);
    else groups.push([node]);
    return node;
  };
  const builder: StepsBuilder<I, O> = {
    inputs: inputRefs(options.inputs),
    self,
    step(name, template, ...rest) {
      return add(name, template as Runnable, rest, callSite(builder.step)) as never;
    },
    parallel(inner) {
      if (openGroup)
        throw new DslError("parallel groups cannot be nested", { site: callSite(builder.parallel) });
      const group: Node[] = [];
      openGroup = group;
      const adder: StepAdder = {
        step(name, template, ...rest) {
          return add(name, template as Runnable, rest, callSite(adder.step)) as never;
        },
      };
      try {
        return inner(adder);
      } finally {
        openGroup = undefined;
        if (group.length > 0) groups.push(group);
      }
    },
  };
  const outputs = closeGraph(graph, options.outputs, block(builder), site);
  const template = defineTemplate<I, O & R>(
    { ...options, outputs } as TemplateOptions<I, O & R>,
    new Set(),
    (ctx: RenderContext): Partial<ArgoTemplate> => ({
      steps: groups.map((group, groupIndex) =>
        group.map((node, index) => {
          if (node.site) ctx.sites.set(`${ctx.path}.steps[${groupIndex}][${index}]`, node.site);
          return renderNode(node) as WorkflowStep;
        }),
      ),
    }),
    site,
    () => nodeTemplates(graph.nodes),
  );
  self.define(template);
  return template;
}
