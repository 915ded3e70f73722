import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { configDir, LOCAL_CONTEXT } from "./config-dir";
import { type Endpoints, endpointsFromUrl, findStackFile, localStackEndpoints } from "./endpoints";
import { ContextError } from "./errors";

/**
 * Saved contexts: named stages (API URL, bucket, region, optionally an AWS profile) kept in the user's config
 * directory, kubectl-style. Never credentials: a context may name an AWS profile, and the AWS SDK's own chain
 * reads it. `local` is not saved: it is the embedded stack, found through its `.skiff/stack.json`.
 */

export { configDir, LOCAL_CONTEXT };

const NAME = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;

const contextSchema = z.strictObject({
  apiUrl: z.url({ protocol: /^https?$/ }),
  bucket: z.string().min(3).max(63).optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "expected an AWS region such as eu-west-1")
    .optional(),
  awsProfile: z.string().min(1).max(128).optional(),
  busUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type SavedContext = z.infer<typeof contextSchema>;

const fileSchema = z.strictObject({
  current: z.string().optional(),
  contexts: z.record(z.string(), contextSchema),
});
type ContextsFile = z.infer<typeof fileSchema>;

/** The contexts as saved, with where the file is; an empty set when there is no file yet. */
export class ContextStore {
  readonly file: string;

  constructor(readonly dir: string = configDir()) {
    this.file = join(dir, "contexts.json");
  }

  read(): ContextsFile {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === "ENOENT") return { contexts: {} };
      throw new ContextError(`cannot read ${this.file}: ${(cause as Error).message}`, { cause });
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (cause) {
      throw new ContextError(`${this.file} is not valid JSON; fix or delete it`, { cause });
    }
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ContextError(
        `${this.file}: ${issue?.path.join(".") || "(root)"}: ${issue?.message}; fix or delete it`,
      );
    }
    return parsed.data;
  }

  /** Adds or replaces a context; refuses `local` (the embedded stack names itself). */
  add(name: string, context: SavedContext): SavedContext {
    checkName(name);
    if (name === LOCAL_CONTEXT) {
      throw new ContextError(`"${LOCAL_CONTEXT}" is the embedded stack's context; choose another name`);
    }
    const parsed = contextSchema.safeParse(context);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ContextError(`context ${name}: ${issue?.path.join(".")}: ${issue?.message}`);
    }
    const file = this.read();
    file.contexts[name] = parsed.data;
    this.write(file);
    return parsed.data;
  }

  remove(name: string): void {
    const file = this.read();
    if (!file.contexts[name]) throw unknownContext(name, file);
    delete file.contexts[name];
    if (file.current === name) delete file.current;
    this.write(file);
  }

  /** Makes `name` the context commands use when none is picked. */
  use(name: string, cwd?: string): void {
    const file = this.read();
    if (name === LOCAL_CONTEXT) {
      if (!findStackFile(cwd)) {
        throw new ContextError(
          "no embedded stack found (.skiff/stack.json); start one with `npx skiff start`",
        );
      }
    } else if (!file.contexts[name]) {
      throw unknownContext(name, file);
    }
    file.current = name;
    this.write(file);
  }

  private write(file: ContextsFile): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      const temp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
      renameSync(temp, this.file);
      chmodSync(this.file, 0o600);
    } catch (cause) {
      throw new ContextError(`cannot write ${this.file}: ${(cause as Error).message}`, { cause });
    }
  }
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new ContextError(
      `"${name.slice(0, 70)}" is not a context name: lowercase letters, digits, '.', '_' and '-', at most 63`,
    );
  }
}

function unknownContext(name: string, file: ContextsFile): ContextError {
  const known = [LOCAL_CONTEXT, ...Object.keys(file.contexts)].join(", ");
  return new ContextError(
    `context "${name}" does not exist (known: ${known}); add it with skiff context add ${name} --api-url <url>`,
  );
}

/** A context picked and resolved: its name and where it reaches Skiff. */
export interface ResolvedContext {
  name: string;
  endpoints: Endpoints;
}

export interface ContextOptions {
  /** A context's name; else `SKIFF_CONTEXT`, else `SKIFF_API_URL`, else the current one, else `local`. */
  context?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the embedded stack's `.skiff/stack.json` is looked for (upwards). */
  cwd?: string;
  /** The directory of contexts.json (default: configDir()). */
  configDir?: string;
}

/**
 * Which context a command or program uses, in order: the one it names, `SKIFF_CONTEXT`, an explicit
 * `SKIFF_API_URL` (the environment's ad-hoc stage, named `env`), the current context, the embedded stack.
 */
export function resolveContext(options: ContextOptions = {}): ResolvedContext {
  const env = options.env ?? process.env;
  const store = new ContextStore(options.configDir ?? configDir(env));
  const picked = options.context ?? (env.SKIFF_CONTEXT?.trim() || undefined);
  if (picked === undefined && env.SKIFF_API_URL) {
    return { name: "env", endpoints: endpointsFromUrl(env.SKIFF_API_URL, env) };
  }
  const name = picked ?? store.read().current ?? LOCAL_CONTEXT;
  if (name === LOCAL_CONTEXT) return { name, endpoints: localStackEndpoints(options.cwd) };
  const file = store.read();
  const saved = file.contexts[name];
  if (!saved) throw unknownContext(name, file);
  return { name, endpoints: endpointsOf(saved, env) };
}

/** A saved context's endpoints; the region also falls back to the environment's. */
export function endpointsOf(saved: SavedContext, env: NodeJS.ProcessEnv = process.env): Endpoints {
  const base = endpointsFromUrl(saved.apiUrl, {});
  return {
    ...base,
    ...(saved.bucket ? { bucket: saved.bucket } : {}),
    ...(saved.busUrl ? { busUrl: saved.busUrl } : {}),
    region: saved.region ?? base.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    ...(saved.awsProfile ? { awsProfile: saved.awsProfile } : {}),
  };
}
