// Emits the declarations of the package's two entries into dist/types/ with TypeScript's native compiler:
// the DSL (lib/dsl and the Argo types it names; package.json's "." and what the type check of an upload,
// lib/compiler/typecheck.ts, reads instead of the DSL's sources) and the client (lib/client/index.ts,
// "./client"). Run it as a script, or import `buildDeclarations` (scripts/build.mjs does).
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const root = fileURLToPath(new URL("..", import.meta.url));
/** Install-relative, like lib/compiler/typecheck.ts's DSL_DECLARATIONS: dist/types/dsl/index.d.ts is the entry. */
export const DECLARATIONS_DIR = "dist/types";

/** TypeScript's own `tsc` launcher, which runs the platform's native compiler (once per build, so its Node start is no matter). */
function compiler() {
  const typescript = dirname(createRequire(import.meta.url).resolve("typescript/package.json"));
  return { file: process.execPath, args: [join(typescript, "bin", "tsc")] };
}

/** Writes the declarations into `outDir` (default: this installation's dist/types), replacing what was there. */
export async function buildDeclarations(outDir = join(root, DECLARATIONS_DIR)) {
  rmSync(outDir, { recursive: true, force: true });
  const { file, args } = compiler();
  try {
    await promisify(execFile)(
      file,
      [
        ...args,
        // The project's tsconfig.json checks everything, and its `paths` must not apply here.
        "--ignoreConfig",
        join(root, "lib/dsl/index.ts"),
        join(root, "lib/client/index.ts"),
        "--declaration",
        "--emitDeclarationOnly",
        "--outDir",
        outDir,
        "--rootDir",
        join(root, "lib"),
        "--target",
        "ES2022",
        "--module",
        "ESNext",
        "--moduleResolution",
        "bundler",
        "--lib",
        "es2023",
        // The DSL reads V8's Error API (call sites); its declarations name no Node type (the client's do).
        "--types",
        "node",
        "--strict",
        "--skipLibCheck",
        "--isolatedModules",
        "--verbatimModuleSyntax",
        "--pretty",
        "false",
      ],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    throw new Error(`emitting the package's declarations failed:\n${error.stdout || error.stderr || error}`);
  }
  addExtensions(outDir);
  return join(outDir, "dsl", "index.d.ts");
}

// `from "./x"` or `import("./x")` with a relative specifier.
const RELATIVE = /(\bfrom\s*|\bimport\s*\(\s*)(["'])(\.\.?\/[^"']*)\2/g;

/**
 * The sources import relative modules without extensions (`moduleResolution: bundler`), and tsc copies
 * specifiers as written. A project compiled with `module: nodenext` resolves an ES module's declarations
 * only by full path, so each relative specifier gets the `.js` (or `/index.js`) it stands for.
 */
function addExtensions(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name);
    if (entry.isDirectory()) {
      addExtensions(file);
      continue;
    }
    if (!entry.name.endsWith(".d.ts")) continue;
    const text = readFileSync(file, "utf8");
    const rewritten = text.replace(RELATIVE, (whole, lead, quote, specifier) => {
      const target = resolve(dir, specifier);
      if (existsSync(`${target}.d.ts`)) return `${lead}${quote}${specifier}.js${quote}`;
      if (existsSync(join(target, "index.d.ts"))) return `${lead}${quote}${specifier}/index.js${quote}`;
      return whole;
    });
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildDeclarations(process.argv[2]);
}
