// Writes events/schemas/<name>.json from the zod contracts in lib/events/contracts.ts:
// `node scripts/gen-event-schemas.mjs`. The contracts are TypeScript, so they are bundled first (esbuild,
// dependencies left external) into a temporary module and imported from there.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const scratch = mkdtempSync(join(root, "node_modules", ".skiff-gen-"));
try {
  const outfile = join(scratch, "json-schema.mjs");
  await build({
    entryPoints: [join(root, "lib/events/json-schema.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "warning",
  });
  const { eventJsonSchemas, schemaFileText } = await import(pathToFileURL(outfile).href);
  const dir = join(root, "events", "schemas");
  mkdirSync(dir, { recursive: true });
  for (const [name, schema] of Object.entries(eventJsonSchemas())) {
    writeFileSync(join(dir, `${name}.json`), schemaFileText(schema));
    console.log(`events/schemas/${name}.json`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
