import { mkdirSync, writeFileSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { type ArtifactStore, ArtifactStoreError } from "./store";

/** Bytes (or UTF-16 units) up to which `put` writes synchronously. */
const SMALL_BODY = 64 * 1024;

/** An artifact store in a local directory (for `skiff run --local` with no other infrastructure). */
export class LocalDirArtifactStore implements ArtifactStore {
  readonly location: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.location = this.root;
  }

  private path(key: string): string {
    const full = resolve(this.root, key);
    if (full !== this.root && !full.startsWith(this.root + sep)) {
      throw new ArtifactStoreError(`artifact key escapes the store: ${key}`);
    }
    return full;
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const file = this.path(key);
    // A small body (a step's log, most artifacts of a local run) is written at once: its three system calls cost
    // the event loop less than three round trips to the thread pool. A large one is written off the loop.
    const write =
      body.length <= SMALL_BODY ? async () => writeFileSync(file, body) : () => writeFile(file, body);
    // The directory first only when it is missing: a run puts every step's log in the same one.
    try {
      await write();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      mkdirSync(dirname(file), { recursive: true });
      await write();
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.path(key));
    } catch (error) {
      if (
        (error as NodeJS.ErrnoException).code === "ENOENT" ||
        (error as NodeJS.ErrnoException).code === "EISDIR"
      )
        return undefined;
      throw new ArtifactStoreError(`cannot read ${key} from ${this.location}`, { cause: error });
    }
  }

  async list(prefix: string): Promise<string[]> {
    let entries: string[];
    try {
      entries = (await readdir(this.root, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile())
        .map((e) => relative(this.root, join(e.parentPath, e.name)).split(sep).join("/"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw new ArtifactStoreError(`cannot list ${this.location}`, { cause: error });
    }
    return entries.filter((k) => k.startsWith(prefix)).sort();
  }
}
