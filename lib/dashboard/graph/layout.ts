// Lays a model out with dagre: expanded nodes become boxes (dagre's compound nodes) around their inner nodes,
// and an edge to or from an expanded node is drawn to its inner graph's first or last nodes instead, since dagre
// does not lay out edges that end on a compound node. A big graph without boxes (a run's steps) is laid out by
// d3-dag's Sugiyama layout with cheap operators instead: dagre spends seconds on hundreds of nodes whose edges
// span many ranks, d3-dag tens or hundreds of milliseconds, and d3-dag has no compound nodes.
import dagre from "@dagrejs/dagre";
import {
  coordCenter,
  type GraphNode as DagNode,
  graph as dagGraph,
  decrossDfs,
  layeringLongestPath,
  type MutGraphNode,
  shapeTopBottom,
  sugiyama,
  tweakDirection,
  tweakShape,
} from "d3-dag";
import type { GraphEdge, GraphModel, GraphNode } from "./types";

export interface Point {
  x: number;
  y: number;
}

/** A drawn node, by its top-left corner. */
export interface PlacedNode {
  node: GraphNode;
  x: number;
  y: number;
  width: number;
  height: number;
  /** It has children and is drawn collapsed. */
  collapsed: boolean;
}

/** An expanded node: the box around its inner nodes. */
export interface PlacedCluster {
  node: GraphNode;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  points: Point[];
}

export interface GraphLayout {
  nodes: PlacedNode[];
  clusters: PlacedCluster[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

export interface LayoutOptions {
  /** Size of an ordinary node. Default 172 × 36. */
  nodeWidth?: number;
  nodeHeight?: number;
  /** Size of a `group` node (a steps group's junction). Default 14. */
  junctionSize?: number;
  /** `TB` (top to bottom, the default) or `LR`. */
  direction?: "TB" | "LR";
}

const defaults: Required<LayoutOptions> = {
  nodeWidth: 172,
  nodeHeight: 36,
  junctionSize: 14,
  direction: "TB",
};

/**
 * Leaves from which the layout trades some tidiness for speed: d3-dag when the graph has no boxes, else a
 * cheaper ranker, then no crossing sweeps.
 */
const BIG_GRAPH = 150;
const HUGE_GRAPH = 300;

/** Whether a node with children is drawn expanded: the user's choice, else the model's `collapsed`. */
export type ExpandedOf = (node: GraphNode) => boolean;

export const defaultExpanded: ExpandedOf = (node) => !node.collapsed;

const hasChildren = (node: GraphNode) => (node.children?.nodes.length ?? 0) > 0;

/** The visible model: leaves, expanded nodes with their parent, and edges between leaves only. */
export interface FlatGraph {
  leaves: Array<{ node: GraphNode; parent?: string; collapsed: boolean }>;
  clusters: Array<{ node: GraphNode; parent?: string }>;
  edges: GraphEdge[];
}

/** Replaces every expanded node by its inner graph (see the module's comment). */
export function flatten(model: GraphModel, expanded: ExpandedOf = defaultExpanded): FlatGraph {
  const flat: FlatGraph = { leaves: [], clusters: [], edges: [] };
  const seen = new Set<string>();

  const place = (graph: GraphModel, parent: string | undefined) => {
    const entries = new Map<string, string[]>();
    const exits = new Map<string, string[]>();
    for (const node of graph.nodes) {
      if (seen.has(node.id)) throw new Error(`graph: node id "${node.id}" is used twice`);
      seen.add(node.id);
      if (hasChildren(node) && expanded(node)) {
        const inner = node.children as GraphModel;
        flat.clusters.push({ node, parent });
        const placed = place(inner, node.id);
        const targets = new Set(inner.edges.map((e) => e.to));
        const sources = new Set(inner.edges.map((e) => e.from));
        entries.set(
          node.id,
          inner.nodes.filter((n) => !targets.has(n.id)).flatMap((n) => placed.entries.get(n.id) ?? []),
        );
        exits.set(
          node.id,
          inner.nodes.filter((n) => !sources.has(n.id)).flatMap((n) => placed.exits.get(n.id) ?? []),
        );
      } else {
        flat.leaves.push({ node, parent, collapsed: hasChildren(node) });
        entries.set(node.id, [node.id]);
        exits.set(node.id, [node.id]);
      }
    }
    for (const edge of graph.edges) {
      const from = exits.get(edge.from);
      const to = entries.get(edge.to);
      if (!from || !to)
        throw new Error(`graph: edge ${edge.from} → ${edge.to} names a node not in its graph`);
      for (const a of from) for (const b of to) flat.edges.push({ from: a, to: b });
    }
    return { entries, exits };
  };

  place(model, undefined);
  return flat;
}

/**
 * What the layout depends on: ids, labels, kinds, nesting, collapse and edges, but not phases or titles. A run
 * view redraws its graph on every poll; the layout is redone only when this changes.
 */
export function shapeKey(model: GraphModel): string {
  const parts: string[] = [];
  const walk = (graph: GraphModel) => {
    parts.push("{");
    for (const n of graph.nodes) {
      parts.push(`${n.id}\u0000${n.label}\u0000${n.kind}\u0000${n.collapsed ? 1 : 0}`);
      if (n.children) walk(n.children);
    }
    for (const e of graph.edges) parts.push(`${e.from}\u0001${e.to}`);
    parts.push("}");
  };
  walk(model);
  return parts.join("\u0002");
}

/** Every node of a model by id, nested ones included. */
export function nodesById(model: GraphModel, into = new Map<string, GraphNode>()): Map<string, GraphNode> {
  for (const node of model.nodes) {
    into.set(node.id, node);
    if (node.children) nodesById(node.children, into);
  }
  return into;
}

/** Positions for every visible node, box and edge. */
export function layoutGraph(
  model: GraphModel,
  expanded: ExpandedOf = defaultExpanded,
  options: LayoutOptions = {},
): GraphLayout {
  const opts = { ...defaults, ...options };
  const flat = flatten(model, expanded);
  if (flat.clusters.length === 0 && flat.leaves.length > BIG_GRAPH) {
    const layered = layoutFlat(flat, opts);
    if (layered) return layered;
  }
  return layoutWithDagre(flat, opts);
}

const MARGIN = { x: 20, y: 28 };
const GAP = { node: 24, rank: 44 };

/**
 * A graph without boxes by d3-dag's Sugiyama layout with its cheapest operators: longest-path ranks, a
 * depth-first order (dagre's own first order; d3-dag's two-layer sweeps count the crossings in quadratic time),
 * each rank centred (greedy coordinates, which straighten chains, took a few hundred ms more on 500 nodes in the
 * browser), edges from a node's bottom to the next one's top, where the arrowheads go.
 * Undefined for a graph with a cycle, which dagre lays out instead.
 */
function layoutFlat(flat: FlatGraph, opts: Required<LayoutOptions>): GraphLayout | undefined {
  const g = dagGraph<GraphNode, undefined>();
  const placed = new Map<string, MutGraphNode<GraphNode, undefined>>();
  for (const { node } of flat.leaves) placed.set(node.id, g.node(node));
  const linked = new Set<string>();
  for (const { from, to } of flat.edges) {
    const key = `${from}\u0000${to}`;
    if (linked.has(key)) continue;
    linked.add(key);
    g.link(
      placed.get(from) as MutGraphNode<GraphNode, undefined>,
      placed.get(to) as MutGraphNode<GraphNode, undefined>,
    );
  }
  if (!g.acyclic()) return undefined;
  const across = opts.direction === "LR";
  // d3-dag lays out top to bottom and then turns the drawing: a left-to-right node is laid out on its side.
  const sizeOf = ({ data }: DagNode<GraphNode, undefined>): [number, number] => {
    const [width, height] =
      data.kind === "group" ? [opts.junctionSize, opts.junctionSize] : [opts.nodeWidth, opts.nodeHeight];
    return across ? [height, width] : [width, height];
  };
  const layout = sugiyama()
    .nodeSize(sizeOf)
    .gap([GAP.node, GAP.rank])
    .layering(layeringLongestPath())
    .decross(decrossDfs())
    .coord(coordCenter())
    .tweaks([tweakShape(sizeOf, shapeTopBottom), tweakDirection(opts.direction)]);
  const { width, height } = layout(g);
  const box = (node: MutGraphNode<GraphNode, undefined>) => {
    const [w, h] = sizeOf(node);
    const [bw, bh] = across ? [h, w] : [w, h];
    return { x: node.x - bw / 2 + MARGIN.x, y: node.y - bh / 2 + MARGIN.y, width: bw, height: bh };
  };
  const points = new Map<string, Point[]>();
  for (const link of g.links())
    points.set(
      `${link.source.data.id}\u0000${link.target.data.id}`,
      link.points.map(([x, y]) => ({ x: x + MARGIN.x, y: y + MARGIN.y })),
    );
  return {
    nodes: flat.leaves.map(({ node, collapsed }) => ({
      node,
      collapsed,
      ...box(placed.get(node.id) as MutGraphNode<GraphNode, undefined>),
    })),
    clusters: [],
    edges: flat.edges.map((edge) => ({ ...edge, points: points.get(`${edge.from}\u0000${edge.to}`) ?? [] })),
    width: Math.max(width + 2 * MARGIN.x, 1),
    height: Math.max(height + 2 * MARGIN.y, 1),
  };
}

function layoutWithDagre(flat: FlatGraph, opts: Required<LayoutOptions>): GraphLayout {
  // Compound graphs cost dagre more in every phase: only a graph with boxes is one.
  const g = new dagre.graphlib.Graph({ compound: flat.clusters.length > 0, multigraph: false });
  g.setGraph({
    rankdir: opts.direction,
    nodesep: GAP.node,
    ranksep: GAP.rank,
    marginx: MARGIN.x,
    marginy: MARGIN.y,
    // Network simplex gives the tidiest ranks but is most of dagre's time on big graphs; its first phase, the
    // tight tree, is close and several times faster.
    ranker: flat.leaves.length > BIG_GRAPH ? "tight-tree" : "network-simplex",
  });
  g.setDefaultEdgeLabel(() => ({}));
  const sizeOf = (node: GraphNode) =>
    node.kind === "group"
      ? { width: opts.junctionSize, height: opts.junctionSize }
      : { width: opts.nodeWidth, height: opts.nodeHeight };
  // dagre's own keys: a model's ids may be anything (the root of a Spec's graph is ""), dagre's may not.
  const keys = new Map<string, string>();
  const keyOf = (id: string) => keys.get(id) as string;
  for (const { node } of [...flat.leaves, ...flat.clusters]) keys.set(node.id, `n${keys.size}`);
  for (const { node } of flat.leaves) g.setNode(keyOf(node.id), sizeOf(node));
  for (const { node } of flat.clusters) g.setNode(keyOf(node.id), {});
  for (const { node, parent } of [...flat.leaves, ...flat.clusters])
    if (parent !== undefined) g.setParent(keyOf(node.id), keyOf(parent));
  for (const edge of flat.edges) g.setEdge(keyOf(edge.from), keyOf(edge.to));
  // dagre's crossing reduction sweeps every rank, its long edges' dummy nodes included, until it stops improving:
  // on hundreds of nodes with long dependencies that is seconds. Beyond HUGE_GRAPH the first order is kept.
  dagre.layout(g, { disableOptimalOrderHeuristic: flat.leaves.length > HUGE_GRAPH });

  const box = (id: string) => {
    const placed = g.node(keyOf(id));
    return {
      x: placed.x - placed.width / 2,
      y: placed.y - placed.height / 2,
      width: placed.width,
      height: placed.height,
    };
  };
  const size = g.graph();
  return {
    nodes: flat.leaves.map(({ node, collapsed }) => ({ node, collapsed, ...box(node.id) })),
    clusters: flat.clusters.map(({ node }) => ({ node, ...box(node.id) })),
    edges: flat.edges.map((edge) => ({
      ...edge,
      points: (g.edge(keyOf(edge.from), keyOf(edge.to))?.points ?? []).map((p: Point) => ({
        x: p.x,
        y: p.y,
      })),
    })),
    width: Math.max(size.width ?? 0, 1),
    height: Math.max(size.height ?? 0, 1),
  };
}
