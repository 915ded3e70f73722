import { describe, expect, it } from "vitest";
import { flatten, layoutGraph, shapeKey } from "../../../lib/dashboard/graph/layout";
import type { GraphModel } from "../../../lib/dashboard/graph/types";

const nested: GraphModel = {
  nodes: [
    { id: "a", label: "a", kind: "pod" },
    {
      id: "b",
      label: "b",
      kind: "dag",
      children: {
        nodes: [
          { id: "b1", label: "b1", kind: "pod" },
          { id: "b2", label: "b2", kind: "pod" },
          { id: "b3", label: "b3", kind: "pod" },
        ],
        edges: [
          { from: "b1", to: "b3" },
          { from: "b2", to: "b3" },
        ],
      },
    },
    { id: "c", label: "c", kind: "pod" },
  ],
  edges: [
    { from: "a", to: "b" },
    { from: "b", to: "c" },
  ],
};

/** A DAG of `n` nodes in layers of 10, each node depending on two of the layer before. */
function bigDag(n: number): GraphModel {
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `t${i}`, label: `task-${i}`, kind: "pod" }));
  const edges = nodes.slice(10).flatMap((_, j) => {
    const i = j + 10;
    return [
      { from: `t${i - 10}`, to: `t${i}` },
      { from: `t${i - 10 - (i % 10 === 0 ? 0 : 1)}`, to: `t${i}` },
    ];
  });
  return {
    nodes,
    edges: edges.filter((e, k) => edges.findIndex((f) => f.from === e.from && f.to === e.to) === k),
  };
}

describe("flatten", () => {
  it("replaces an expanded node by its inner graph, wiring edges to its first and last inner nodes", () => {
    const flat = flatten(nested);
    expect(flat.leaves.map((l) => `${l.node.id}${l.parent ? `<${l.parent}` : ""}`)).toEqual([
      "a",
      "b1<b",
      "b2<b",
      "b3<b",
      "c",
    ]);
    expect(flat.clusters.map((c) => c.node.id)).toEqual(["b"]);
    expect(flat.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual([
      "a>b1",
      "a>b2",
      "b1>b3",
      "b2>b3",
      "b3>c",
    ]);
  });

  it("keeps a collapsed node as one node", () => {
    const flat = flatten(nested, (node) => node.id !== "b");
    expect(flat.leaves.map((l) => [l.node.id, l.collapsed])).toEqual([
      ["a", false],
      ["b", true],
      ["c", false],
    ]);
    expect(flat.edges.map((e) => `${e.from}>${e.to}`)).toEqual(["a>b", "b>c"]);
  });

  it("refuses an edge to a node its graph does not have, and an id used twice", () => {
    expect(() =>
      flatten({ nodes: [{ id: "a", label: "a", kind: "pod" }], edges: [{ from: "a", to: "z" }] }),
    ).toThrow(/a → z/);
    expect(() =>
      flatten({
        nodes: [
          { id: "a", label: "a", kind: "pod" },
          { id: "a", label: "again", kind: "pod" },
        ],
        edges: [],
      }),
    ).toThrow(/used twice/);
  });
});

describe("layoutGraph", () => {
  it("places every node of a 500-node DAG inside the drawing, without overlaps, edges pointing downwards", () => {
    const layout = layoutGraph(bigDag(500));
    expect(layout.nodes).toHaveLength(500);
    const byId = new Map(layout.nodes.map((n) => [n.node.id, n]));
    for (const n of layout.nodes) {
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.y).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width).toBeLessThanOrEqual(layout.width);
      expect(n.y + n.height).toBeLessThanOrEqual(layout.height);
    }
    // Same-rank nodes do not overlap (ranks are rows in a top-to-bottom layout).
    const rows = new Map<number, typeof layout.nodes>();
    for (const n of layout.nodes) rows.set(n.y, [...(rows.get(n.y) ?? []), n]);
    for (const row of rows.values()) {
      const sorted = [...row].sort((a, b) => a.x - b.x);
      for (let i = 1; i < sorted.length; i++)
        expect(sorted[i].x).toBeGreaterThanOrEqual(sorted[i - 1].x + sorted[i - 1].width);
    }
    for (const edge of layout.edges) {
      expect(byId.get(edge.to)?.y).toBeGreaterThan(byId.get(edge.from)?.y ?? Number.POSITIVE_INFINITY);
      expect(edge.points.length).toBeGreaterThanOrEqual(2);
    }
  });

  it("draws a big graph's edges from a node's bottom to the next one's top, where the arrowheads go", () => {
    const layout = layoutGraph(bigDag(500));
    const byId = new Map(layout.nodes.map((n) => [n.node.id, n]));
    const near = (a: number, b: number) => Math.abs(a - b) < 0.5;
    for (const edge of layout.edges) {
      const from = byId.get(edge.from) as (typeof layout.nodes)[number];
      const to = byId.get(edge.to) as (typeof layout.nodes)[number];
      const [first, last] = [edge.points[0], edge.points[edge.points.length - 1]];
      expect(near(first.x, from.x + from.width / 2) && near(first.y, from.y + from.height)).toBe(true);
      expect(near(last.x, to.x + to.width / 2) && near(last.y, to.y)).toBe(true);
    }
  });

  it("lays a big graph out left to right on request", () => {
    const layout = layoutGraph(bigDag(200), undefined, { direction: "LR" });
    const byId = new Map(layout.nodes.map((n) => [n.node.id, n]));
    for (const n of layout.nodes) expect([n.width, n.height]).toEqual([172, 36]);
    for (const edge of layout.edges)
      expect(byId.get(edge.to)?.x).toBeGreaterThan(byId.get(edge.from)?.x ?? Number.POSITIVE_INFINITY);
    const columns = new Map<number, typeof layout.nodes>();
    for (const n of layout.nodes) columns.set(n.x, [...(columns.get(n.x) ?? []), n]);
    for (const column of columns.values()) {
      const sorted = [...column].sort((a, b) => a.y - b.y);
      for (let i = 1; i < sorted.length; i++)
        expect(sorted[i].y).toBeGreaterThanOrEqual(sorted[i - 1].y + sorted[i - 1].height);
    }
  });

  it("lays out a big graph with a cycle (which d3-dag refuses) with dagre", () => {
    const ring = bigDag(200);
    ring.edges.push({ from: "t199", to: "t0" });
    const layout = layoutGraph(ring);
    expect(layout.nodes).toHaveLength(200);
    expect(
      layout.edges.find((e) => e.from === "t199" && e.to === "t0")?.points.length,
    ).toBeGreaterThanOrEqual(2);
    expect(new Set(layout.nodes.map((n) => `${n.x},${n.y}`)).size).toBe(200);
  });

  it("lays out any id, the empty one (a Spec's root) included", () => {
    const layout = layoutGraph({
      nodes: [
        { id: "", label: "say", kind: "pod" },
        { id: ".onExit", label: "onExit: say", kind: "pod" },
      ],
      edges: [{ from: "", to: ".onExit" }],
    });
    expect(layout.nodes.map((n) => n.node.id)).toEqual(["", ".onExit"]);
    expect(layout.nodes[1].y).toBeGreaterThan(layout.nodes[0].y);
    expect(layout.edges[0].points.length).toBeGreaterThanOrEqual(2);
  });

  it("draws an expanded node as a box around its inner nodes", () => {
    const layout = layoutGraph(nested);
    const box = layout.clusters[0];
    for (const inner of layout.nodes.filter((n) => n.node.id.startsWith("b"))) {
      expect(inner.x).toBeGreaterThanOrEqual(box.x);
      expect(inner.y).toBeGreaterThanOrEqual(box.y);
      expect(inner.x + inner.width).toBeLessThanOrEqual(box.x + box.width);
      expect(inner.y + inner.height).toBeLessThanOrEqual(box.y + box.height);
    }
  });
});

describe("shapeKey", () => {
  it("changes with the shape and not with phases or titles", () => {
    const running = { ...nested, nodes: nested.nodes.map((n) => ({ ...n, phase: "Running", title: "x" })) };
    expect(shapeKey(running)).toBe(shapeKey(nested));
    expect(shapeKey({ ...nested, edges: nested.edges.slice(1) })).not.toBe(shapeKey(nested));
    expect(
      shapeKey({ ...nested, nodes: nested.nodes.map((n) => (n.id === "b" ? { ...n, collapsed: true } : n)) }),
    ).not.toBe(shapeKey(nested));
  });
});
