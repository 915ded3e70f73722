import { join, relative, sep } from "node:path";

/** A step's directory, lent for one attempt. */
export interface StepDirLease {
  readonly dir: string;
  /** Gives the directory back; only a `pristine` one (as prepared, nothing left behind) is lent again. */
  release(pristine: boolean): void;
}

/**
 * The step directories of one run. A step that declares no paths (nothing is read back from its directory once
 * it exits) borrows a pooled directory, and gets it again only if it left it exactly as prepared: creating three
 * directories per step (and removing them) cost more than running a no-op step on a slow file system. Steps that
 * declare paths get their own directory. A new directory is named by the node id of its first step.
 */
export class StepDirPool {
  private readonly free: string[] = [];

  constructor(private readonly root: string) {}

  lease(nodeId: string, reusable: boolean): StepDirLease {
    const own = join(this.root, nodeId);
    if (!reusable) return { dir: own, release: () => {} };
    const dir = this.free.pop() ?? own;
    let released = false;
    return {
      dir,
      release: (pristine) => {
        if (released) return;
        released = true;
        if (pristine) this.free.push(dir);
      },
    };
  }
}

/**
 * The entries each directory under `root` holds right after `dirs` were made and `files` written: what a step
 * must leave behind for its directory to be pristine. Keys are absolute directories, values sorted entry names.
 */
export function preparedLayout(root: string, dirs: string[], files: string[]): Record<string, string[]> {
  const layout = new Map<string, Set<string>>([[root, new Set()]]);
  const add = (path: string, isDir: boolean) => {
    const parts = relative(root, path).split(sep).filter(Boolean);
    if (parts[0] === "..") throw new Error(`${path} is outside the step directory ${root}`);
    let current = root;
    parts.forEach((part, i) => {
      layout.get(current)?.add(part);
      current = join(current, part);
      if ((isDir || i < parts.length - 1) && !layout.has(current)) layout.set(current, new Set());
    });
  };
  for (const d of dirs) add(d, true);
  for (const f of files) add(f, false);
  return Object.fromEntries([...layout].map(([dir, entries]) => [dir, [...entries].sort()]));
}
