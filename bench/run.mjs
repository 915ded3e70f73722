// Runs every benchmark bundled to dist/bench/ (from bench/**/*.bench.ts), one after another, or only
// those whose path contains one of the arguments: `npm run bench -- compile engine`.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = join(root, "dist", "bench");
const walk = (d) =>
  readdirSync(d).flatMap((n) =>
    statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : n.endsWith(".js") ? [join(d, n)] : [],
  );
const filters = process.argv.slice(2);
// The project's Node (the npm package `node`, v22, what npm scripts run) even when this script is started by
// another one; BENCH_NODE overrides.
const ownNode = join(root, "node_modules", ".bin", "node");
const node = process.env.BENCH_NODE ?? (existsSync(ownNode) ? realpathSync(ownNode) : process.execPath);
const benches = walk(dir).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
let failed = 0;
for (const file of benches) {
  console.log(`\n## ${relative(dir, file)}`);
  const r = spawnSync(node, ["--expose-gc", "--openssl-legacy-provider", file], {
    cwd: root,
    stdio: "inherit",
  });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
