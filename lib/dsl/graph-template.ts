// What the `dag()` and `steps()` builders share: how their first argument is read, and how their block's graph is
// closed, checked and made a template.
import type { Template as ArgoTemplate } from "../argo";
import type { DeclMap } from "./data";
import { TemplateDeclaration } from "./declare";
import type { SourceSite } from "./errors";
import { checkAcyclic, checkReferences, Graph, type GraphKind, nodeTemplates } from "./graph";
import { checkOutputReferences } from "./node-references";
import { defineTemplate, type RenderContext, type SkiffTemplate, type TemplateOptions } from "./template";

/** A graph template being built: its options, its declaration (the block's `self`) and its graph of nodes. */
export interface GraphTemplateHead<
  I extends DeclMap,
  O extends DeclMap,
  Options extends TemplateOptions<I, O>,
> {
  options: Options;
  self: TemplateDeclaration<I, O>;
  graph: Graph;
}

/**
 * Starts a graph template from its first argument (a name, the options, or a `declare(...)`d template it defines):
 * its options, its declaration, and an empty graph of tasks or steps.
 */
export function startGraphTemplate<
  I extends DeclMap,
  O extends DeclMap,
  Options extends TemplateOptions<I, O>,
>(
  nameOrOptions: string | Options | TemplateDeclaration<I, O>,
  site: SourceSite | undefined,
  scope: GraphKind,
): GraphTemplateHead<I, O, Options> {
  const declared = nameOrOptions instanceof TemplateDeclaration ? nameOrOptions : undefined;
  const options: Options =
    typeof nameOrOptions === "string"
      ? ({ name: nameOrOptions } as Options)
      : declared
        ? (declared.options as Options)
        : (nameOrOptions as Options);
  const self = declared ?? new TemplateDeclaration<I, O>(options, site);
  return { options, self, graph: new Graph(options.name, scope) };
}

/**
 * Ends a graph template's block and defines the template: no node may join the graph after it, every reference
 * names a node of it (and a DAG has no cycle), and the outputs (the declared ones and those the block returned)
 * read only nodes the graph has. `body` renders the graph; the nodes' templates are rendered with it.
 */
export function defineGraphTemplate<I extends DeclMap, O extends DeclMap, R extends DeclMap>(
  { options, self, graph }: GraphTemplateHead<I, O, TemplateOptions<I, O>>,
  returned: R | undefined,
  site: SourceSite | undefined,
  bodyKeys: ReadonlySet<string>,
  body: (ctx: RenderContext) => Partial<ArgoTemplate>,
): SkiffTemplate<I, O & R> {
  graph.closed = true;
  checkReferences(graph);
  if (graph.scope === "tasks") checkAcyclic(graph);
  const outputs = { ...(options.outputs ?? {}), ...(returned ?? {}) } as O & R;
  checkOutputReferences(outputs, graph.scope, (name) => graph.has(name), { template: graph.template, site });
  const template = defineTemplate<I, O & R>({ ...options, outputs }, bodyKeys, body, site, () =>
    nodeTemplates(graph.nodes),
  );
  self.define(template);
  return template;
}
