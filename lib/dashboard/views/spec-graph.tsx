import { useState } from "preact/hooks";
import { api } from "../api";
import { ErrorBox, Loading } from "../components/error-box";
import { Graph } from "../graph/graph";
import { specToGraph } from "../graph/spec-to-graph";
import { useFetch } from "../use-fetch";

/** A version's Spec drawn as a graph; selecting a node names its template. */
export function SpecGraph({ name, version }: { name: string; version: string }) {
  const spec = useFetch((signal) => api.specJson(name, version, signal), [name, version]);
  const [selected, setSelected] = useState<string>();
  let model: ReturnType<typeof specToGraph> | undefined;
  let problem: unknown;
  if (spec.data !== undefined) {
    try {
      model = specToGraph(spec.data);
    } catch (error) {
      problem = error;
    }
  }
  const node = selected ? model && findNode(model.nodes, selected) : undefined;
  return (
    <div class="card">
      <h2>Graph</h2>
      {spec.error ? <ErrorBox error={spec.error} title="Could not read the spec" /> : null}
      {problem ? <ErrorBox error={problem} title="Could not draw the spec" /> : null}
      {spec.data === undefined && spec.loading ? <Loading what="the graph" /> : null}
      {model ? (
        <>
          <Graph model={model} selected={selected} onSelect={setSelected} label={`${name} ${version}`} />
          <p class="muted selection" aria-live="polite">
            {node ? `${node.label}: ${node.title ?? node.kind}` : "Select a node to see its template."}
          </p>
        </>
      ) : null}
    </div>
  );
}

type Nodes = ReturnType<typeof specToGraph>["nodes"];

function findNode(nodes: Nodes, id: string): Nodes[number] | undefined {
  for (const node of nodes) {
    if (node.id === id) return node;
    const inner = node.children ? findNode(node.children.nodes, id) : undefined;
    if (inner) return inner;
  }
  return undefined;
}
