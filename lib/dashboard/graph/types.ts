// The graph component's model: what to draw, independent of where it comes from (a Spec, a Run's steps).

export interface GraphNode {
  /** Unique in the whole model, nested nodes included. */
  id: string;
  /** The name shown (cut with an ellipsis when long; the whole name is the tooltip). */
  label: string;
  /** What the node is (`pod`, `dag`, `steps`, `group`, `suspend`, …): drawn as a CSS class `kind-<kind>`. */
  kind: string;
  /** Argo's node phase (`Running`, `Failed`, …), which colours the node; none before a run. */
  phase?: string;
  /** More about the node for its tooltip and the selection line (e.g. its template). Default: the kind. */
  title?: string;
  /** The inner graph of a node that calls a dag or steps template: drawn expanded, or as one node. */
  children?: GraphModel;
  /** Whether a node with children starts collapsed. Default: expanded. */
  collapsed?: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
}

export interface GraphModel {
  nodes: GraphNode[];
  edges: GraphEdge[];
}
