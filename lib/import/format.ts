// Biome lays out the generated module, as it does the project's own code (its formatter, run on stdin).
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Biome's launcher from the installed package, or undefined when Biome is not installed. */
function biomeBinary(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve("@biomejs/biome/package.json")), "bin", "biome");
  } catch {
    return undefined;
  }
}

/**
 * (Run outside any project, so that no biome.json on the way changes the style.)
 * `source` formatted by Biome with Skiff's style (2 spaces, lines up to 110; Biome's default double quotes and semicolons); the source as
 * written when Biome is not installed. Rejects with Biome's message when the source does not parse.
 */
export function formatTypeScript(source: string): Promise<string> {
  const biome = biomeBinary();
  if (!biome) return Promise.resolve(source);
  const args = [
    biome,
    "format",
    "--stdin-file-path=pipeline.ts",
    "--indent-style=space",
    "--indent-width=2",
    "--line-width=110",
  ];
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      args,
      { maxBuffer: 64 * 1024 * 1024, cwd: tmpdir() },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new Error(`biome could not format the generated code: ${stderr || error.message}`, {
              cause: error,
            }),
          );
        else resolve(stdout);
      },
    );
    child.stdin?.end(source);
  });
}
