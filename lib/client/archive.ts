import { mkdir, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";

/** gzip's magic bytes: how Argo's default artifact archive (tar+gzip) is told from an unarchived object. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export interface ArchiveEntry {
  /** Path inside the archive, `/`-separated. */
  name: string;
  body: Uint8Array;
}

/** The regular files of a tar+gzip archive, refusing entries that would land outside where they are unpacked. */
export async function readTarGzip(bytes: Uint8Array): Promise<ArchiveEntry[]> {
  let tar: Buffer;
  // Loaded on use: every CLI command imports this module, and only downloads unpack.
  const { gunzipSync } = await import("node:zlib");
  try {
    tar = gunzipSync(bytes);
  } catch (cause) {
    throw new Error(`the artifact is not a valid gzip archive: ${(cause as Error).message}`, { cause });
  }
  const entries: ArchiveEntry[] = [];
  // Loaded on use: importing skiff/client must not evaluate a CommonJS stream library (a program bundled as
  // ESM could not), and only downloads need it.
  const { extract } = await import("tar-stream");
  const parser = extract();
  const done = new Promise<void>((resolve, reject) => {
    parser.on("finish", resolve);
    parser.on("error", reject);
  });
  parser.on("entry", (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: unknown) => chunks.push(c as Buffer));
    stream.on("end", () => {
      if (header.type === "file") {
        const name = header.name.replace(/^\.\//, "");
        const clean = normalize(name);
        if (isAbsolute(name) || clean.startsWith(`..${sep}`) || clean === "..") {
          parser.destroy(new Error(`the archive's entry ${name} points outside the artifact`));
          return;
        }
        entries.push({ name, body: new Uint8Array(Buffer.concat(chunks)) });
      }
      next();
    });
    stream.resume();
  });
  parser.end(tar);
  await done;
  return entries;
}

/**
 * Writes an artifact as Argo would have put it in the container: a single-file archive becomes that file at
 * `target` (default: the file's own name); a directory archive becomes the directory `target` (default: the
 * archived directory's name). Answers the paths written.
 */
export async function unpackArtifact(bytes: Uint8Array, target?: string): Promise<string[]> {
  const entries = await readTarGzip(bytes);
  if (entries.length === 1 && !entries[0]?.name.includes("/")) {
    const only = entries[0];
    const path = target ?? only.name;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, only.body);
    return [path];
  }
  const roots = new Set(entries.map((e) => e.name.split("/")[0]));
  // A directory is archived under its own name: that name is replaced by `target`.
  const strip = roots.size === 1 && entries.every((e) => e.name.includes("/"));
  const base = target ?? (strip ? ([...roots][0] ?? ".") : ".");
  const written: string[] = [];
  for (const entry of entries) {
    const relative = strip ? entry.name.split("/").slice(1).join("/") : entry.name;
    const path = join(base, ...relative.split("/"));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, entry.body);
    written.push(path);
  }
  return written;
}
