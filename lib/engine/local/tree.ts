import type { NodeStatus, Workflow } from "../../argo";

const SYMBOLS: Record<string, string> = {
  Succeeded: "✔",
  Failed: "✖",
  Error: "⚠",
  Skipped: "○",
  Omitted: "○",
  Running: "●",
  Pending: "◷",
};

function seconds(node: NodeStatus, now: number): string {
  if (!node.startedAt) return "";
  const end = node.finishedAt ? Date.parse(node.finishedAt) : now;
  const s = Math.max(0, Math.round((end - Date.parse(node.startedAt)) / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}

/** The nodes of a workflow, indexed once for `displayChildren` (a large run has thousands). */
interface NodeIndex {
  all: NodeStatus[];
  byId: Map<string, NodeStatus>;
  /** Exit hooks (`<name>.onExit`, `<name>.hooks.<hook>`) by the name of the node they belong to. */
  hooksOf: Map<string, NodeStatus[]>;
}

function indexNodes(all: NodeStatus[]): NodeIndex {
  const byId = new Map(all.map((n) => [n.id, n]));
  const hooksOf = new Map<string, NodeStatus[]>();
  const add = (owner: string, hook: NodeStatus) => {
    const list = hooksOf.get(owner);
    if (list) list.push(hook);
    else hooksOf.set(owner, [hook]);
  };
  for (const n of all) {
    if (n.name.endsWith(".onExit")) add(n.name.slice(0, -".onExit".length), n);
    // The owner's name may itself contain ".hooks.": the hook's own name is the part after the last one.
    const at = n.name.lastIndexOf(".hooks.");
    if (at >= 0 && !/[.([]/.test(n.name.slice(at + 7))) add(n.name.slice(0, at), n);
  }
  return { all, byId, hooksOf };
}

/** Containment children for display: step groups under Steps, tasks under a DAG, attempts/items otherwise. */
function displayChildren(node: NodeStatus, index: NodeIndex): NodeStatus[] {
  let kids: NodeStatus[];
  if (node.type === "Steps" || node.type === "DAG") {
    kids = index.all.filter((n) => {
      if (n.boundaryID !== node.id) return false;
      if (node.type === "Steps") return n.type === "StepGroup";
      const rest = n.name.slice(node.name.length + 1);
      return n.name.startsWith(`${node.name}.`) && !/[.([]/.test(rest);
    });
  } else if (node.type === "StepGroup" || node.type === "TaskGroup" || node.type === "Retry") {
    kids = (node.children ?? [])
      .map((id) => index.byId.get(id))
      .filter((n): n is NodeStatus => n !== undefined);
    if (node.type === "StepGroup") kids = kids.filter((k) => k.boundaryID === node.boundaryID);
  } else kids = [];
  // Exit hooks hang under the node they belong to.
  const hooks = index.hooksOf.get(node.name) ?? [];
  const seen = new Set<string>();
  return [...kids, ...hooks].filter((k) => !seen.has(k.id) && seen.add(k.id) && k.id !== node.id);
}

/** Renders the node tree like `argo get`/`argo submit --watch`: symbol, name, type, duration, message. */
export function renderTree(wf: Workflow, now = Date.now()): string {
  const nodes = Object.values(wf.status?.nodes ?? {});
  const lines: string[] = [];
  const status = wf.status;
  lines.push(`Name:      ${wf.metadata.name ?? ""}`);
  lines.push(`Status:    ${status?.phase ?? "Pending"}${status?.message ? ` (${status.message})` : ""}`);
  if (status?.progress) lines.push(`Progress:  ${status.progress}`);
  lines.push("");
  const root = nodes.find((n) => n.id === wf.metadata.name);
  const index = indexNodes(nodes);
  const visit = (node: NodeStatus, prefix: string, last: boolean, top: boolean) => {
    const symbol = SYMBOLS[node.phase ?? ""] ?? "?";
    const branch = top ? "" : last ? "└─ " : "├─ ";
    const label = node.type === "StepGroup" ? "·" : (node.displayName ?? node.name);
    const extra = [
      node.type === "Pod" || node.type === "StepGroup" ? "" : node.type,
      seconds(node, now),
      node.message ?? "",
    ]
      .filter((x) => x !== "")
      .join("  ");
    lines.push(`${prefix}${branch}${symbol} ${label}${extra ? `  ${extra}` : ""}`);
    const kids = displayChildren(node, index);
    const nextPrefix = top ? "" : prefix + (last ? "   " : "│  ");
    for (const [i, k] of kids.entries()) visit(k, nextPrefix, i === kids.length - 1, false);
  };
  if (root) visit(root, "", true, true);
  return lines.join("\n");
}
