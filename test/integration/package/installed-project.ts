// A project outside the repository with Skiff installed from the tarball `npm pack` makes, as a user gets it.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, realpathSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir } from "../../support/temp-dir";

export const REPO = fileURLToPath(new URL("../../..", import.meta.url));

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export interface InstalledProject {
  /** The user's project: `npm init -y`, then `npm install --save-dev ./skiff-x.y.z.tgz`. */
  dir: string;
  /** The temporary folder holding the tarball and the project (and other folders tests make). */
  work: string;
  /** What `npm pack --json` reported: the tarball's name and the paths it holds. */
  pack: { filename: string; files: Array<{ path: string }>; size: number; unpackedSize: number };
  /** The environment commands run with: a user's shell, with Node 22 on PATH. */
  env: NodeJS.ProcessEnv;
  /** Runs a command (in `dir` unless `cwd` says otherwise); never throws on a non-zero exit. */
  run(command: string, args: string[], cwd?: string): Promise<Result>;
  /** `npx --no skiff …`: the installed command, never one fetched from the registry. */
  skiff(args: string[], cwd?: string): Promise<Result>;
  remove(): void;
}

/**
 * The environment a user's shell would give: this Node first on PATH (the package needs Node 22, which the
 * system's may not be), and none of the `npm_*` variables of the `npm test` that may be running us, which
 * would point npm in the project back at this repository.
 */
function userEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // Lower case: what npm run sets (npm_config_local_prefix names this repository). A user's own
    // NPM_CONFIG_* (a registry mirror, say) stays.
    if (!name.startsWith("npm_") && name !== "INIT_CWD") env[name] = value;
  }
  env.PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`;
  env.npm_config_audit = "false";
  env.npm_config_fund = "false";
  env.npm_config_update_notifier = "false";
  return env;
}

function runIn(cwd: string, env: NodeJS.ProcessEnv) {
  return (command: string, args: string[], dir = cwd): Promise<Result> =>
    new Promise((resolve) => {
      execFile(command, args, { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
}

const check = (what: string, result: Result): Result => {
  if (result.code !== 0)
    throw new Error(`${what} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  return result;
};

/**
 * Packs this repository as it is built (global setup builds dist/; `--ignore-scripts`, so that packing does
 * not rebuild dist/ under tests that are using it) and installs the tarball into a new project under the OS
 * temp dir, from npm's cache where it can.
 */
export async function installPackedProject(): Promise<InstalledProject> {
  const temp = tempDir("package");
  const work = realpathSync(temp.path);
  const env = userEnvironment();
  const packed = check(
    "npm pack",
    await runIn(REPO, env)("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work]),
  );
  const pack = (JSON.parse(packed.stdout) as InstalledProject["pack"][])[0];
  const dir = join(work, "project");
  mkdirSync(dir);
  const run = runIn(dir, env);
  check("npm init", await run("npm", ["init", "-y"]));
  check(
    "npm install",
    await run("npm", ["install", "--prefer-offline", "--save-dev", join(work, pack.filename)]),
  );
  return {
    dir,
    work,
    pack,
    env,
    run,
    skiff: (args, cwd) => run("npx", ["--no", "skiff", ...args], cwd),
    remove: temp.remove,
  };
}

/** The version in this repository's package.json, which the tarball carries. */
export const repoVersion = (): string =>
  (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
