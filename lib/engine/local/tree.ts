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

/** Containment children for display: step groups under Steps, tasks under a DAG, attempts/items otherwise. */
function displayChildren(node: NodeStatus, all: NodeStatus[]): NodeStatus[] {
  const byId = new Map(all.map((n) => [n.id, n]));
  let kids: NodeStatus[];
  if (node.type === "Steps" || node.type === "DAG") {
    kids = all.filter((n) => {
      if (n.boundaryID !== node.id) return false;
      if (node.type === "Steps") return n.type === "StepGroup";
      const rest = n.name.slice(node.name.length + 1);
      return n.name.startsWith(`${node.name}.`) && !/[.([]/.test(rest);
    });
  } else if (node.type === "StepGroup" || node.type === "TaskGroup" || node.type === "Retry") {
    kids = (node.children ?? []).map((id) => byId.get(id)).filter((n): n is NodeStatus => n !== undefined);
    if (node.type === "StepGroup") kids = kids.filter((k) => k.boundaryID === node.boundaryID);
  } else kids = [];
  // Exit hooks hang under the node they belong to.
  const hooks = all.filter(
    (n) =>
      n.name === `${node.name}.onExit` ||
      (n.name.startsWith(`${node.name}.hooks.`) && !/[.([]/.test(n.name.slice(node.name.length + 7))),
  );
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
    const kids = displayChildren(node, nodes);
    const nextPrefix = top ? "" : prefix + (last ? "   " : "│  ");
    for (const [i, k] of kids.entries()) visit(k, nextPrefix, i === kids.length - 1, false);
  };
  if (root) visit(root, "", true, true);
  return lines.join("\n");
}
