/** Kubernetes label selector matching: `k`, `!k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`. */
export function matchesLabelSelector(
  selector: string | undefined,
  labels: Record<string, string> = {},
): boolean {
  if (!selector?.trim()) return true;
  return splitRequirements(selector).every((requirement) => matchOne(requirement.trim(), labels));
}

function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of selector) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  if (current.trim()) parts.push(current);
  return parts;
}

function matchOne(requirement: string, labels: Record<string, string>): boolean {
  let m = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(requirement);
  if (m) {
    const values = m[3].split(",").map((v) => v.trim());
    const has = m[1] in labels && values.includes(labels[m[1]]);
    return m[2] === "in" ? has : !has;
  }
  m = /^([^!=\s]+)\s*(!=|==|=)\s*(.*)$/.exec(requirement);
  if (m) {
    const [, key, op, value] = m;
    return op === "!=" ? labels[key] !== value.trim() : labels[key] === value.trim();
  }
  if (requirement.startsWith("!")) return !(requirement.slice(1).trim() in labels);
  return requirement in labels;
}
