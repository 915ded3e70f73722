// What the `dag()` and `steps()` builders share: how their first argument is read, and how their block's graph is
// closed and checked.
import type { DeclMap } from "./data";
import { TemplateDeclaration } from "./declare";
import type { SourceSite } from "./errors";
import { checkAcyclic, checkReferences, type Graph } from "./graph";
import { checkOutputReferences } from "./node-references";
import type { TemplateOptions } from "./template";

/**
 * A graph template's first argument (a name, the options, or a `declare(...)`d template it defines) read as its
 * options and its declaration, which the block sees as `self`.
 */
export function graphTemplateOptions<
  I extends DeclMap,
  O extends DeclMap,
  Options extends TemplateOptions<I, O>,
>(
  nameOrOptions: string | Options | TemplateDeclaration<I, O>,
  site: SourceSite | undefined,
): { options: Options; self: TemplateDeclaration<I, O> } {
  const declared = nameOrOptions instanceof TemplateDeclaration ? nameOrOptions : undefined;
  const options: Options =
    typeof nameOrOptions === "string"
      ? ({ name: nameOrOptions } as Options)
      : declared
        ? (declared.options as Options)
        : (nameOrOptions as Options);
  return { options, self: declared ?? new TemplateDeclaration<I, O>(options, site) };
}

/**
 * Ends a graph template's block: no node may join the graph after it, every reference names a node of it (and a
 * DAG has no cycle). Returns the template's outputs, the declared ones and those the block returned, each checked
 * to read only nodes the graph has.
 */
export function closeGraph<O extends DeclMap, R extends DeclMap>(
  graph: Graph,
  declared: O | undefined,
  returned: R | undefined,
  site: SourceSite | undefined,
): O & R {
  graph.closed = true;
  checkReferences(graph);
  if (graph.scope === "tasks") checkAcyclic(graph);
  const outputs = { ...(declared ?? {}), ...(returned ?? {}) } as O & R;
  checkOutputReferences(outputs, graph.scope, (name) => graph.has(name), { template: graph.template, site });
  return outputs;
}
