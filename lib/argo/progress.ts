// Argo's progress rules (pkg/apis/workflow/v1alpha1/progress.go and workflow/progress/updater.go): a node's and
// a workflow's `progress` is "N/M", N tasks done of M.
import type { NodeStatus, WorkflowStatus } from "./types.generated";

/** The progress of an executable node that reported none. */
export const PROGRESS_DEFAULT = "0/1";

/** Node types whose progress is their own (a pod's may be self-reported); every other type sums its children. */
export const EXECUTABLE_NODE_TYPES: ReadonlySet<string> = new Set([
  "Pod",
  "Container",
  "HTTP",
  "Plugin",
  "Suspend",
]);

interface Parsed {
  n: number;
  m: number;
}

/** "N/M" as numbers, as Argo reads it (a part that is not an integer reads as 0). */
function parse(progress: string): Parsed {
  const slash = progress.indexOf("/");
  const int = (s: string) => (/^[+-]?\d+$/.test(s) ? Number(s) : 0);
  return slash < 0
    ? { n: int(progress), m: 0 }
    : { n: int(progress.slice(0, slash)), m: int(progress.slice(slash + 1)) };
}

/** Argo's Progress.IsValid: 0 ≤ N ≤ M and M > 0. */
export function isValidProgress(progress: string | undefined): progress is string {
  if (!progress) return false;
  const { n, m } = parse(progress);
  return n >= 0 && n <= m && m > 0;
}

/** Argo's Progress.Complete: "M/M". */
export function completeProgress(progress: string): string {
  const { m } = parse(progress);
  return `${m}/${m}`;
}

/**
 * The progress a pod reports through the file named by `ARGO_PROGRESS_FILE` (the executor's monitorProgress): its
 * last non-empty line when that is a valid "N/M", else undefined.
 */
export function reportedProgress(text: string): string | undefined {
  const lines = text.trim().split("\n");
  const last = (lines[lines.length - 1] ?? "").trim();
  return isValidProgress(last) ? last : undefined;
}

/**
 * Argo's UpdateProgress: an executable node's progress is its own ("0/1" unless reported), made complete when it
 * Succeeded, was Skipped or Omitted (a Failed or Errored one keeps what it had: it counts as not done); every other
 * node gets the sum over the executable nodes reachable through its children; the workflow the sum over all
 * executable nodes. Writes `progress` into the nodes and `status.progress`.
 */
export function updateProgress(status: WorkflowStatus): void {
  const nodes: Record<string, NodeStatus> = status.nodes ?? {};
  let n = 0;
  let m = 0;
  for (const node of Object.values(nodes)) {
    if (!EXECUTABLE_NODE_TYPES.has(node.type)) continue;
    if (!node.progress) node.progress = PROGRESS_DEFAULT;
    if (!isValidProgress(node.progress)) continue;
    if (node.phase === "Succeeded" || node.phase === "Skipped" || node.phase === "Omitted")
      node.progress = completeProgress(node.progress);
    const p = parse(node.progress);
    n += p.n;
    m += p.m;
  }
  status.progress = `${n}/${m}`;
  sumOverChildren(Object.values(nodes));
}

/**
 * Sets every non-executable node's progress to the sum over the executable nodes reachable through its children,
 * each counted once (Argo's sumProgress), when that sum is valid. On arrays indexed by node, with a visit stamp
 * instead of a set per walk: the walks overlap (every step group reaches all the groups after it) and the status
 * is brought up to date for every snapshot of a running workflow.
 */
function sumOverChildren(list: NodeStatus[]): void {
  const index = new Map<string, number>();
  for (let i = 0; i < list.length; i++) index.set((list[i] as NodeStatus).id, i);
  const children: number[][] = [];
  const own = new Float64Array(list.length * 2);
  for (let i = 0; i < list.length; i++) {
    const node = list[i] as NodeStatus;
    const kids: number[] = [];
    for (const id of node.children ?? []) {
      const k = index.get(id);
      if (k !== undefined) kids.push(k);
    }
    children.push(kids);
    if (EXECUTABLE_NODE_TYPES.has(node.type) && isValidProgress(node.progress)) {
      const p = parse(node.progress);
      own[2 * i] = p.n;
      own[2 * i + 1] = p.m;
    }
  }
  const stamp = new Int32Array(list.length).fill(-1);
  const stack: number[] = [];
  for (let root = 0; root < list.length; root++) {
    const node = list[root] as NodeStatus;
    if (EXECUTABLE_NODE_TYPES.has(node.type)) continue;
    let n = 0;
    let m = 0;
    for (const k of children[root] as number[]) stack.push(k);
    while (stack.length) {
      const i = stack.pop() as number;
      if (stamp[i] === root) continue;
      stamp[i] = root;
      n += own[2 * i] as number;
      m += own[2 * i + 1] as number;
      for (const k of children[i] as number[]) if (stamp[k] !== root) stack.push(k);
    }
    if (m > 0 && n <= m) node.progress = `${n}/${m}`;
  }
}
