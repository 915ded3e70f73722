import { describe, expect, it } from "vitest";
import { SpecShapeError, specToGraph } from "../../../lib/dashboard/graph/spec-to-graph";
import type { GraphModel } from "../../../lib/dashboard/graph/types";

const workflow = (spec: Record<string, unknown>) => ({
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Workflow",
  metadata: { generateName: "t-" },
  spec,
});

const pod = (name: string) => ({ name, container: { image: "alpine" } });
const edgesOf = (graph: GraphModel) => graph.edges.map((e) => `${e.from}>${e.to}`).sort();

describe("specToGraph", () => {
  it("draws DAG tasks with the edges of both `dependencies` and `depends`", () => {
    const graph = specToGraph(
      workflow({
        entrypoint: "main",
        templates: [
          {
            name: "main",
            dag: {
              tasks: [
                { name: "a", template: "p" },
                { name: "b", template: "p", dependencies: ["a"] },
                { name: "c", template: "p", depends: "a.Succeeded || (b && !a.Failed)" },
                { name: "d", template: "missing", depends: "nope" },
              ],
            },
          },
          pod("p"),
        ],
      }),
    );
    expect(graph.nodes.map((n) => [n.id, n.label, n.kind])).toEqual([
      [".a", "a", "pod"],
      [".b", "b", "pod"],
      [".c", "c", "pod"],
      [".d", "d", "missing"],
    ]);
    // `nope` is not a task of the DAG: no edge is made up for it.
    expect(edgesOf(graph)).toEqual([".a>.b", ".a>.c", ".b>.c"]);
  });

  it("draws steps groups in order, each group's steps side by side behind a junction", () => {
    const graph = specToGraph(
      workflow({
        entrypoint: "main",
        templates: [
          {
            name: "main",
            steps: [
              [{ name: "prepare", template: "p" }],
              [
                { name: "x", template: "p" },
                { name: "y", template: "p" },
              ],
            ],
          },
          pod("p"),
        ],
      }),
    );
    expect(graph.nodes.map((n) => `${n.id}:${n.kind}`)).toEqual([
      "[0]:group",
      "[0].prepare:pod",
      "[1]:group",
      "[1].x:pod",
      "[1].y:pod",
    ]);
    expect(edgesOf(graph)).toEqual(["[0].prepare>[1]", "[0]>[0].prepare", "[1]>[1].x", "[1]>[1].y"]);
  });

  it("nests a called dag or steps template as the caller's children, and stops at recursion", () => {
    const graph = specToGraph(
      workflow({
        entrypoint: "main",
        templates: [
          { name: "main", dag: { tasks: [{ name: "outer", template: "inner" }] } },
          {
            name: "inner",
            dag: {
              tasks: [
                { name: "leaf", template: "p" },
                { name: "again", template: "inner", dependencies: ["leaf"] },
              ],
            },
          },
          pod("p"),
        ],
      }),
    );
    const outer = graph.nodes[0];
    expect(outer).toMatchObject({ id: ".outer", kind: "dag" });
    expect(outer.children?.nodes.map((n) => n.id)).toEqual([".outer.leaf", ".outer.again"]);
    expect(edgesOf(outer.children as GraphModel)).toEqual([".outer.leaf>.outer.again"]);
    // `again` calls the template it is in: drawn as one node rather than forever.
    const again = outer.children?.nodes[1];
    expect(again?.children).toBeUndefined();
    expect(again?.title).toMatch(/recursive/);
  });

  it("draws a pod entrypoint as the root node, the exit handler after the last nodes, and templateRefs as leaves", () => {
    const single = specToGraph(workflow({ entrypoint: "p", onExit: "p", templates: [pod("p")] }));
    expect(single.nodes.map((n) => n.id)).toEqual(["", ".onExit"]);
    expect(edgesOf(single)).toEqual([">.onExit"]);

    const cron = specToGraph({
      kind: "CronWorkflow",
      metadata: { name: "c" },
      spec: {
        schedules: ["* * * * *"],
        workflowSpec: {
          entrypoint: "main",
          templates: [
            {
              name: "main",
              dag: { tasks: [{ name: "shared", templateRef: { name: "lib", template: "t" } }] },
            },
          ],
        },
      },
    });
    expect(cron.nodes).toEqual([
      { id: ".shared", label: "shared", kind: "template-ref", title: "template lib/t" },
    ]);
  });

  it("refuses what is not a Spec with a SpecShapeError", () => {
    expect(() => specToGraph("kind: Workflow")).toThrow(SpecShapeError);
    expect(() => specToGraph({ kind: "CronWorkflow", spec: {} })).toThrow(/workflowSpec/);
  });
});
