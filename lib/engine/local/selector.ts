/** Kubernetes label selectors (`a=b,c!=d,e in (x,y),f notin (z),g,!h`), as used by `list` and `watch`. */
export type LabelRequirement =
  | { key: string; op: "=" | "!="; value: string }
  | { key: string; op: "in" | "notin"; values: string[] }
  | { key: string; op: "exists" | "!exists" };

export class LabelSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LabelSelectorError";
  }
}

/** Splits on commas that are not inside a `(...)` value set. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of selector) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      terms.push(current);
      current = "";
    } else current += ch;
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t !== "");
}

export function parseLabelSelector(selector: string): LabelRequirement[] {
  return splitTerms(selector).map((term) => {
    const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (set?.[1] && set[2] && set[3] !== undefined) {
      return {
        key: set[1],
        op: set[2] as "in" | "notin",
        values: set[3]
          .split(",")
          .map((v) => v.trim())
          .filter((v) => v !== ""),
      };
    }
    const cmp = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s,]*)$/.exec(term);
    if (cmp?.[1] && cmp[2] && cmp[3] !== undefined) {
      return { key: cmp[1], op: cmp[2] === "!=" ? "!=" : "=", value: cmp[3] };
    }
    const exists = /^(!?)([^\s!=(),]+)$/.exec(term);
    if (exists?.[2]) return { key: exists[2], op: exists[1] ? "!exists" : "exists" };
    throw new LabelSelectorError(`invalid label selector term "${term}" in "${selector}"`);
  });
}

export function matchesLabels(
  requirements: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const all = labels ?? {};
  return requirements.every((r) => {
    const has = Object.hasOwn(all, r.key);
    const value = all[r.key];
    switch (r.op) {
      case "=":
        return has && value === r.value;
      case "!=":
        return !has || value !== r.value;
      case "in":
        return has && r.values.includes(value ?? "");
      case "notin":
        return !has || !r.values.includes(value ?? "");
      case "exists":
        return has;
      case "!exists":
        return !has;
    }
    return false;
  });
}
