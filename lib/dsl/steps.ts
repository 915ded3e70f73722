// The `steps()` builder: groups of graph nodes (lib/dsl/graph.ts) run one after another.
import type { WorkflowStep } from "../argo";
import type { DeclMap } from "./data";
import type { TemplateDeclaration } from "./declare";
import { DslError, type SourceSite } from "./errors";
import {
  type Empty,
  type InputRefs,
  inputRefs,
  Node,
  renderNode,
  type StepOptions,
  type WithArgs,
} from "./graph";
import { defineGraphTemplate, startGraphTemplate } from "./graph-template";
import { callSite } from "./site";
import type { Runnable, SkiffTemplate, TemplateOptions } from "./template";

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
  const head = startGraphTemplate<I, O, TemplateOptions<I, O>>(nameOrOptions, site, "steps");
  const { options, graph } = head;
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
    self: head.self,
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
  return defineGraphTemplate(head, block(builder), site, new Set(), (ctx) => ({
    steps: groups.map((group, groupIndex) =>
      group.map((node, index) => {
        if (node.site) ctx.sites.set(`${ctx.path}.steps[${groupIndex}][${index}]`, node.site);
        return renderNode(node) as WorkflowStep;
      }),
    ),
  }));
}
