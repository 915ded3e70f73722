import { join, sep } from "node:path";

/** What a step directory was prepared with: its dirs and files, and what each directory then holds. */
export interface PreparedLayout {
  /** Identifies the dirs and files the layout was made from. */
  key: string;
  entries: Record<string, string[]>;
}

/** A step's directory, lent for one attempt. */
export interface StepDirLease {
  readonly dir: string;
  /** The layout the directory already has, when it is a reused one (its dirs need not be made again). */
  readonly layout: PreparedLayout | undefined;
  /** Gives the directory back; only a `pristine` one (still exactly `layout`) is lent again. */
  release(pristine: boolean, layout?: PreparedLayout): void;
}

/**
 * The step directories of one run. A step that declares no paths (nothing is read back from its directory once
 * it exits) borrows a pooled directory, and gets it again only if it left it exactly as prepared: creating three
 * directories per step (and removing them) cost more than running a no-op step on a slow file system. Steps that
 * declare paths get their own directory. A new directory is named by the node id of its first step.
 */
export class StepDirPool {
  private readonly free: Array<{ dir: string; layout: PreparedLayout | undefined }> = [];

  constructor(private readonly root: string) {}

  lease(nodeId: string, reusable: boolean): StepDirLease {
    if (!reusable) return { dir: join(this.root, nodeId), layout: undefined, release: () => {} };
    const { dir, layout } = this.free.pop() ?? { dir: join(this.root, nodeId), layout: undefined };
    let released = false;
    return {
      dir,
      layout,
      release: (pristine, after) => {
        if (released) return;
        released = true;
        if (pristine) this.free.push({ dir, layout: after });
      },
    };
  }
}

/**
 * The entries each directory under `root` holds right after `dirs` were made and `files` written: what a step
 * must leave behind for its directory to be pristine. Keys are absolute directories, values sorted entry names.
 */
export function preparedLayout(root: string, dirs: string[], files: string[]): PreparedLayout {
  // String operations, not path.relative/join: this runs for every step.
  const layout = new Map<string, Set<string>>([[root, new Set()]]);
  const add = (path: string, isDir: boolean) => {
    if (path !== root && !path.startsWith(`${root}${sep}`))
      throw new Error(`${path} is outside the step directory ${root}`);
    const parts = path
      .slice(root.length + 1)
      .split(sep)
      .filter(Boolean);
    let current = root;
    parts.forEach((part, i) => {
      layout.get(current)?.add(part);
      current = `${current}${sep}${part}`;
      if ((isDir || i < parts.length - 1) && !layout.has(current)) layout.set(current, new Set());
    });
  };
  for (const d of dirs) add(d, true);
  for (const f of files) add(f, false);
  return {
    key: layoutKey(dirs, files),
    entries: Object.fromEntries([...layout].map(([dir, entries]) => [dir, [...entries].sort()])),
  };
}

export function layoutKey(dirs: string[], files: string[]): string {
  return `${dirs.join("\n")}\n\n${files.join("\n")}`;
}
