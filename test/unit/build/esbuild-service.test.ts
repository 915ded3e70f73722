import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { describe, expect, it } from "vitest";

// A fresh process (this one may run an esbuild service already): it starts the compiler's esbuild service,
// then reports the GOGC the service's process got (from Linux's /proc) and its own GOGC afterwards.
const service = fileURLToPath(new URL("../../../lib/build/esbuild-service.ts", import.meta.url));
const probe = buildSync({
  stdin: {
    contents: `
import { readdirSync, readFileSync } from "node:fs";
import { esbuild } from ${JSON.stringify(service)};
await esbuild().transform("let a: number = 1", { loader: "ts" });
const serviceEnv = readdirSync("/proc").filter((pid) => /^\\d+$/.test(pid)).flatMap((pid) => {
  try {
    const stat = readFileSync("/proc/" + pid + "/stat", "utf8");
    if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) !== process.pid) return [];
    if (!readFileSync("/proc/" + pid + "/cmdline", "utf8").includes("--service")) return [];
    return [readFileSync("/proc/" + pid + "/environ", "utf8").split("\\0")];
  } catch { return []; }
});
const gogc = serviceEnv.map((env) => env.find((kv) => kv.startsWith("GOGC="))?.slice(5) ?? null);
console.log(JSON.stringify({ services: gogc, own: process.env.GOGC ?? null }));
esbuild().stop();
`,
    resolveDir: fileURLToPath(new URL(".", import.meta.url)),
    loader: "ts",
  },
  bundle: true,
  write: false,
  format: "esm",
  platform: "node",
  packages: "external",
}).outputFiles[0].text;

function run(env: NodeJS.ProcessEnv): { services: (string | null)[]; own: string | null } {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", probe], {
    encoding: "utf8",
    env,
    cwd: fileURLToPath(new URL("../../..", import.meta.url)),
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

const withoutGogc = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== "GOGC"));

describe("the compiler's esbuild service", () => {
  it("starts with GOGC=400, which the rest of the process never sees", () => {
    expect(run(withoutGogc)).toEqual({ services: ["400"], own: null });
  });

  it("keeps a GOGC the environment sets", () => {
    expect(run({ ...withoutGogc, GOGC: "75" })).toEqual({ services: ["75"], own: "75" });
  });
});
