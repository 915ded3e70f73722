// Each Lambda handler bundled as serverless.yml bundles it (serverless-esbuild options: ESM, minified,
// node22, esbuild external; nothing imports typescript, whose native compiler runs as a binary) against a
// bare bundle that imports and constructs the same AWS SDK clients: bundle size, and cold init (a fresh Node
// process importing the module), side by side in one run.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

// Bundled to dist/bench/stack/: the project is three levels up.
const projectRoot = fileURLToPath(new URL("../../..", import.meta.url)).replace(/\/$/, "");
const out = mkdtempSync(join(tmpdir(), "skiff-bundle-bench-"));
/** The plugins serverless.yml bundles with (custom.esbuild.plugins). */
const plugins = createRequire(import.meta.url)(join(projectRoot, "scripts/esbuild-plugins.cjs")) as Plugin[];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

/** The SDK clients each handler constructs (its baseline imports exactly these). */
const handlers = {
  build: { entry: "functions/build.ts", clients: ["s3", "dynamodb", "eventbridge"] },
  api: { entry: "functions/api.ts", clients: ["s3", "dynamodb", "eks"] },
  watcher: { entry: "functions/watcher.ts", clients: ["dynamodb", "eventbridge", "eks"] },
} as const;

const clientCode: Record<string, [string, string]> = {
  s3: [`import { S3Client } from "@aws-sdk/client-s3";`, "new S3Client({})"],
  dynamodb: [
    `import { DynamoDBClient } from "@aws-sdk/client-dynamodb";\nimport { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";`,
    "DynamoDBDocumentClient.from(new DynamoDBClient({}))",
  ],
  eventbridge: [
    `import { EventBridgeClient } from "@aws-sdk/client-eventbridge";`,
    "new EventBridgeClient({})",
  ],
  eks: [`import { EKSClient } from "@aws-sdk/client-eks";`, "new EKSClient({})"],
};

/** Bundles like serverless.yml (ESM with code splitting); returns the entry's size and the total with chunks. */
async function bundle(entry: string, outfile: string): Promise<{ entry: number; total: number }> {
  const result = await build({
    entryPoints: [entry],
    outdir: dirname(outfile),
    entryNames: basename(outfile, ".mjs"),
    outExtension: { ".js": ".mjs" },
    splitting: true,
    chunkNames: `chunks-${basename(outfile, ".mjs")}/[name]-[hash]`,
    metafile: true,
    // The baseline lives in a temporary directory; it resolves the SDK from the project like the handlers.
    nodePaths: [join(projectRoot, "node_modules")],
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    target: "node22",
    external: ["esbuild"],
    alias: { skiff: join(projectRoot, "lib/dsl/index.ts") },
    banner: {
      js: "import { createRequire as __skiffRequire } from 'node:module'; const require = __skiffRequire(import.meta.url);",
    },
    plugins,
    logLevel: "error",
  });
  const total = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  return { entry: statSync(outfile).size, total };
}

/** Milliseconds to import the module in a fresh process (Node's own start-up excluded). */
function coldInit(file: string): number {
  const script = `const t = performance.now(); const m = await import(${JSON.stringify(file)}); if (typeof m.handler !== "function") throw new Error("no handler"); process.stdout.write(String(performance.now() - t));`;
  const env = {
    ...process.env,
    AWS_REGION: "us-east-1",
    SKIFF_BUCKET: "bench",
    SKIFF_TABLE: "bench",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  return Number(
    execFileSync(process.execPath, ["--input-type=module", "-e", script], { env, cwd: out }).toString(),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

try {
  console.log(`cold init: median of ${ROUNDS} fresh processes each, handler and baseline alternated\n`);
  console.log(
    "| handler | loaded at init | with lazy chunks | baseline bundle | size ratio (init) | cold init | baseline init | init ratio |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const [name, { entry, clients }] of Object.entries(handlers)) {
    const handlerFile = join(out, `${name}.mjs`);
    const baselineSource = join(out, `${name}-baseline.ts`);
    const baselineFile = join(out, `${name}-baseline.mjs`);
    writeFileSync(
      baselineSource,
      `${clients.map((c) => clientCode[c][0]).join("\n")}\nconst clients = [${clients.map((c) => clientCode[c][1]).join(", ")}];\nexport const handler = async () => clients.length;\n`,
    );
    const size = await bundle(join(projectRoot, entry), handlerFile);
    const baselineSize = await bundle(baselineSource, baselineFile);
    const handlerInit: number[] = [];
    const baselineInit: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      handlerInit.push(coldInit(handlerFile));
      baselineInit.push(coldInit(baselineFile));
    }
    const h = median(handlerInit);
    const b = median(baselineInit);
    console.log(
      `| ${name} | ${kb(size.entry)} | ${kb(size.total)} | ${kb(baselineSize.entry)} | ${(size.entry / baselineSize.entry).toFixed(2)}× | ${h.toFixed(0)} ms | ${b.toFixed(0)} ms | ${(h / b).toFixed(2)}× |`,
    );
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
