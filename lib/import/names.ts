// Variable names for templates, tasks and steps: camelCase of the Argo name, unique within the module.

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await arguments eval undefined " +
    "NaN Infinity Object Array String Number Boolean JSON Math Date Promise Error Symbol Map Set"
  ).split(" "),
);

export function camelCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((word) => word.length > 0);
  const joined = words
    .map((word, index) =>
      index === 0
        ? word.charAt(0).toLowerCase() + word.slice(1)
        : word.charAt(0).toUpperCase() + word.slice(1),
    )
    .join("");
  if (joined === "") return "value";
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

/** Hands out identifiers that clash with nothing taken before (the DSL's imports are taken up front). */
export class Namer {
  private readonly taken = new Set<string>(RESERVED);

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.taken.add(name);
  }

  /** `camelCase(name)`, else with `suffix` ("Task", "Step", "Template"), else numbered. */
  fresh(name: string, suffix = ""): string {
    const base = camelCase(name);
    const candidates = [base, ...(suffix ? [`${base}${suffix}`] : [])];
    for (const candidate of candidates) {
      if (!this.taken.has(candidate)) {
        this.taken.add(candidate);
        return candidate;
      }
    }
    for (let n = 2; ; n++) {
      const candidate = `${candidates[candidates.length - 1]}${n}`;
      if (!this.taken.has(candidate)) {
        this.taken.add(candidate);
        return candidate;
      }
    }
  }
}
