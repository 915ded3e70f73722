import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import { type Command, Option } from "commander";
import { projectHome, projectRoot } from "../../local/project";
import { EXIT_OK, UsageError } from "../exit";
import {
  packageName,
  STARTER_PIPELINE,
  STARTER_TSCONFIG,
  starterPackageJson,
  starterReadme,
} from "./init-starter";

/** Where this `skiff` comes from: an installed package (with the project that installed it), or a checkout. */
export interface SkiffOrigin {
  version: string;
  /** The package's folder. */
  root: string;
  /** True when it sits in a node_modules folder, as an installed package does. */
  installed: boolean;
  /** The project whose node_modules holds it (installed), or the checkout itself. */
  home: string;
  /** What a new project's package.json asks for to get this skiff (installed only). */
  spec?: string;
}

export function skiffOrigin(root: string = projectRoot()): SkiffOrigin {
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  const { home, installed } = projectHome(root);
  return { version, root, installed, home, ...(installed ? { spec: installedSpec(home, version) } : {}) };
}

/**
 * The dependency spec the installing project used (a tarball or folder made absolute, so that it holds from
 * anywhere), else `^version`. The spec matters: "skiff" on the public registry is another package.
 */
function installedSpec(home: string, version: string): string {
  let manifest: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> } = {};
  try {
    manifest = JSON.parse(readFileSync(join(home, "package.json"), "utf8"));
  } catch {
    // No readable package.json (e.g. npx's cache): fall back to the version.
  }
  const spec = manifest.devDependencies?.skiff ?? manifest.dependencies?.skiff;
  if (!spec) return `^${version}`;
  return spec.startsWith("file:") ? `file:${resolve(home, spec.slice("file:".length))}` : spec;
}

export interface InitResult {
  dir: string;
  /** Files written, relative to `dir`. */
  files: string[];
  /** The command that brings skiff into `dir`, when its project does not have it yet. */
  install?: string;
}

const within = (dir: string, parent: string) => dir === parent || dir.startsWith(parent + sep);

/** `dir` as the user would type it from here: relative below the current directory, absolute elsewhere. */
function shown(dir: string): string {
  const path = relative(process.cwd(), dir);
  return path === "" ? "." : path.startsWith("..") ? dir : path;
}

/**
 * Writes the starter into `target` (created if missing). Writes nothing when any of its files exists. A
 * package.json is added only outside the project this skiff belongs to (inside it, that project's own
 * package.json and node_modules resolve `skiff`, and a nested package.json would hide them from npx).
 */
export function initProject(target: string, origin: SkiffOrigin = skiffOrigin()): InitResult {
  const dir = resolve(target);
  const needsPackage = !within(dir, origin.home) && !existsSync(join(dir, "package.json"));
  const files = new Map<string, string>();
  const install = needsPackage
    ? origin.installed
      ? "npm install"
      : `npm install --save-dev ${origin.root}`
    : undefined;
  files.set("pipeline.ts", STARTER_PIPELINE);
  files.set("tsconfig.json", STARTER_TSCONFIG);
  files.set("README.md", starterReadme(install));
  if (needsPackage) {
    files.set("package.json", starterPackageJson(packageName(basename(dir)), origin.spec));
  }
  const taken = [...files.keys()].filter((name) => existsSync(join(dir, name)));
  if (taken.length > 0) {
    throw new UsageError(
      `${shown(dir)} already has ${taken.join(", ")}: skiff init does not overwrite files; nothing was written. ` +
        "Move them away, or give another directory: skiff init <dir>",
    );
  }
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of files) writeFileSync(join(dir, name), text, { flag: "wx" });
  return { dir, files: [...files.keys()], ...(install ? { install } : {}) };
}

/** `skiff init [dir]`. */
export function registerInitCommand(program: Command): void {
  program
    .command("init [dir]")
    .description("write a starter pipeline.ts, tsconfig.json and README (and package.json for a new project)")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action((target: string | undefined, options: { output: "text" | "json" }) => {
      const result = initProject(target ?? ".");
      if (options.output === "json") {
        process.stdout.write(`${JSON.stringify(result)}\n`);
      } else {
        const where = shown(result.dir);
        const lines = [`skiff: wrote ${result.files.join(", ")} in ${where}`, "", "Next:"];
        if (where !== ".") lines.push(`  cd ${where}`);
        if (result.install) lines.push(`  ${result.install}`);
        lines.push("  npx skiff run --local pipeline.ts --watch");
        process.stdout.write(`${lines.join("\n")}\n`);
      }
      process.exitCode = EXIT_OK;
    });
}
