// The engine benchmarks' generated graph of no-op steps: node i depends on up to 3 distinct earlier nodes
// (seeded), as an Argo Workflow DAG and as the Makefile GNU make runs for the same graph.
import type { DAGTask, Workflow } from "../../lib/argo";
import { seededRandom } from "../../test/support/seeded-random";

/** Node i depends on up to 3 distinct earlier nodes. */
export function graph(size: number): string[][] {
  const random = seededRandom(42);
  const deps: string[][] = [];
  for (let i = 0; i < size; i++) {
    const wanted = i === 0 ? 0 : Math.floor(random() * 4);
    const set = new Set<string>();
    for (let k = 0; k < wanted; k++) set.add(`t${Math.floor(random() * i)}`);
    deps.push([...set]);
  }
  return deps;
}

export function dagWorkflow(deps: string[][], parallelism: number): Workflow {
  const tasks: DAGTask[] = deps.map((d, i) => ({
    name: `t${i}`,
    template: "noop",
    ...(d.length ? { dependencies: d } : {}),
  }));
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: { generateName: "bench-" },
    spec: {
      entrypoint: "main",
      parallelism,
      templates: [
        { name: "main", dag: { tasks } },
        { name: "noop", container: { image: "alpine:3.23", command: ["true"] } },
      ],
    },
  };
}

export function makefile(deps: string[][]): string {
  const lines = [
    `.PHONY: all ${deps.map((_, i) => `t${i}`).join(" ")}`,
    `all: ${deps.map((_, i) => `t${i}`).join(" ")}`,
  ];
  deps.forEach((d, i) => {
    lines.push(`t${i}: ${d.join(" ")}`, "\ttrue");
  });
  return `${lines.join("\n")}\n`;
}
