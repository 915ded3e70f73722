/**
 * Maps a container image to what runs on this host. A step's `command[0]` is looked up in the rule's shims first
 * (small shell scripts put first on PATH, e.g. `python` → `python3`), then on the host's PATH.
 */
export interface ImageRule {
  /** Matches the image name: a RegExp, or a string that must equal the repository (tag ignored). */
  match: RegExp | string;
  /** Executables provided for this image, by name → POSIX shell script body (receives the arguments as "$@"). */
  shims?: Record<string, string>;
  /** Used when the container has no `command` (the image's ENTRYPOINT); defaults to none (args[0] runs). */
  entrypoint?: string[];
  /**
   * Absolute paths where the image keeps the programs its shims stand for, as its users call them
   * (`command: [/argosay]`, `sh -c "/argosay echo hi"`): path → shim name. Rewritten to the shim in command, args,
   * script source and env values.
   */
  paths?: Record<string, string>;
}

/** What a step's image resolves to. */
export interface ResolvedImage {
  rule: ImageRule;
  /** Index of the rule, used to name its shim directory. */
  index: number;
}

const ARGOSAY = `
cmd="$1"; [ $# -gt 0 ] && shift
case "$cmd" in
  ""|echo)
    text="\${1:-hello argo}"
    if [ -n "$2" ]; then mkdir -p "$(dirname "$2")"; printf '%s' "$text" > "$2"; else printf '%s\\n' "$text"; fi ;;
  cat) cat "$@" ;;
  sleep) s="$1"; case "$s" in *ms) s=0.\${s%ms};; *h) s=$(( \${s%h} * 3600 ));; *m) s=$(( \${s%m} * 60 ));; *s) s=\${s%s};; esac; sleep "$s" ;;
  exit) exit "\${1:-0}" ;;
  assert_contains) grep -q -- "$2" "$1" || { echo "$1 does not contain $2" >&2; exit 1; } ;;
  assert_not_contains) if grep -q -- "$2" "$1"; then echo "$1 contains $2" >&2; exit 1; fi ;;
  *) echo "argosay: unknown command $cmd" >&2; exit 2 ;;
esac
`;

// cowsay stand-in: the text in a speech bubble is enough for the examples that call it.
const COWSAY = `
text="$*"; line=$(printf '%s' "$text" | sed 's/./-/g')
printf ' %s\\n< %s >\\n %s\\n    \\\\   ^__^\\n     \\\\  (oo)\\\\_______\\n        (__)\\\\       )\\\\/\\\\\\n            ||----w |\\n            ||     ||\\n' "$line" "$text" "$line"
`;

const PYTHON = { python: 'exec python3 "$@"' };
/** Where the official python images install the interpreter. */
const PYTHON_PATHS = { "/usr/local/bin/python": "python" };

/** The built-in rules, tried after the user's. */
export const DEFAULT_IMAGE_RULES: readonly ImageRule[] = [
  { match: /^(docker\.io\/)?(library\/)?python(:|@|$)/, shims: PYTHON, paths: PYTHON_PATHS },
  {
    match: /^(docker\.io\/)?(library\/)?node(:|@|$)/,
    shims: { node: `exec "${process.execPath}" "$@"` },
    paths: { "/usr/local/bin/node": "node" },
  },
  {
    match: /^(docker\.io\/)?argoproj\/argosay(:|@|$)/,
    shims: { argosay: ARGOSAY, cowsay: COWSAY },
    entrypoint: ["argosay"],
    // The image's ENTRYPOINT is /argosay; cowsay is installed under /usr/local/bin.
    paths: { "/argosay": "argosay", "/usr/local/bin/cowsay": "cowsay", "/usr/games/cowsay": "cowsay" },
  },
  {
    match: /^(docker\.io\/)?docker\/whalesay(:|@|$)/,
    shims: { cowsay: COWSAY },
    paths: { "/usr/local/bin/cowsay": "cowsay", "/usr/games/cowsay": "cowsay" },
  },
  {
    match: /^(docker\.io\/)?(library\/)?(alpine|busybox|bash|ubuntu|debian|centos|fedora)(:|@|$)/,
    // busybox (alpine's and busybox's multi-call binary) runs its applet from the host.
    shims: { ...PYTHON, busybox: 'exec "$@"' },
    paths: { "/bin/busybox": "busybox" },
  },
];

function repository(image: string): string {
  const at = image.indexOf("@");
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const colon = withoutDigest.lastIndexOf(":");
  return colon > withoutDigest.lastIndexOf("/") ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** Answers by rule list and image: the same few images are resolved for every step. */
const resolved = new WeakMap<readonly ImageRule[], Map<string, ResolvedImage | undefined>>();

/** Finds the first rule matching `image`, or undefined when the image has no host mapping. */
export function resolveImage(image: string, rules: readonly ImageRule[]): ResolvedImage | undefined {
  let known = resolved.get(rules);
  if (!known) {
    known = new Map();
    resolved.set(rules, known);
  }
  if (known.has(image)) return known.get(image);
  const found = findRule(image, rules);
  if (known.size >= 1000) known.clear();
  known.set(image, found);
  return found;
}

function findRule(image: string, rules: readonly ImageRule[]): ResolvedImage | undefined {
  const name = image.trim();
  for (const [index, rule] of rules.entries()) {
    const hit = typeof rule.match === "string" ? repository(name) === rule.match : rule.match.test(name);
    if (hit) return { rule, index };
  }
  return undefined;
}

/** Compiled per rule: the same few rules serve every step. */
const pathPatterns = new WeakMap<ImageRule, RegExp>();

/**
 * Rewrites the image's own program paths (`ImageRule.paths`) to the shims in `shimDir`, wherever a step names them:
 * as argv[0] or inside a shell command line. Identity when the rule declares none.
 */
export function rewriteImagePaths(text: string, rule: ImageRule, shimDir: string | undefined): string {
  const paths = rule.paths;
  if (!paths || !shimDir || !text.includes("/")) return text;
  let pattern = pathPatterns.get(rule);
  if (!pattern) {
    const alternatives = Object.keys(paths)
      .sort((a, b) => b.length - a.length)
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    // A whole path token only: not a suffix of a longer path, not a prefix of one (`/argosay-data`).
    pattern = new RegExp(`(?<![\\w.\\-/])(${alternatives.join("|")})(?![\\w.\\-/])`, "g");
    pathPatterns.set(rule, pattern);
  }
  return text.replace(pattern, (match: string) => {
    const shim = paths[match];
    return shim ? `${shimDir}/${shim}` : match;
  });
}
