import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isSkiffResource, type SkiffResource } from "skiff";
import { describe, expect, it } from "vitest";
import type { DAGTask, Template, Workflow } from "../../../lib/argo";
import { compilePipeline, directorySourceFiles, formatDiagnostic } from "../../../lib/compiler";
import { toYaml } from "../../../lib/compiler/yaml";
import { argoValidator } from "./argo-schema";

const examplesDir = fileURLToPath(new URL("../../../examples/", import.meta.url));
const names = readdirSync(examplesDir, { withFileTypes: true })
  // A directory without a pipeline.ts (examples/client: a program) is not a pipeline.
  .filter((entry) => entry.isDirectory() && existsSync(`${examplesDir}${entry.name}/pipeline.ts`))
  .map((entry) => entry.name)
  .sort();
const validate = argoValidator();

async function load(name: string): Promise<SkiffResource> {
  const module = (await import(pathToFileURL(`${examplesDir}${name}/pipeline.ts`).href)) as {
    default: unknown;
  };
  const exported = typeof module.default === "function" ? module.default({}) : module.default;
  if (!isSkiffResource(exported)) throw new Error(`${name}: default export is not a Skiff resource`);
  return exported;
}

function template(spec: Workflow, name: string): Template {
  const found = spec.spec.templates?.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no template ${name}`);
  return found;
}

describe("examples", () => {
  it("has the eight required examples", () => {
    expect(names).toEqual(
      expect.arrayContaining([
        "approval",
        "cron",
        "etl",
        "hello",
        "loops",
        "python-deps",
        "retries-and-exit",
        "ts-step",
      ]),
    );
  });

  for (const name of names) {
    it(`${name} compiles to a spec valid against Argo's schema`, async () => {
      const spec = (await load(name)).toSpec();
      expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
      const check = validate(spec);
      expect(check.errors).toEqual([]);
    });
  }

  describe("through the compiler (sandbox, type check, lint)", () => {
    for (const name of names) {
      it(`${name} builds without diagnostics`, async () => {
        const result = await compilePipeline({
          entry: "pipeline.ts",
          files: directorySourceFiles(`${examplesDir}${name}`),
          typecheck: true,
        });
        expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
        expect(result.ok).toBe(true);
        // Rendered by the sandbox worker: byte for byte what this process renders.
        expect(result.yaml).toBe(toYaml(result.spec));
        if (name === "ts-step") {
          // In the sandbox the function's text is esbuild's output: it must still run on its own.
          const source = template(result.spec as Workflow, "fibonacci").script?.source ?? "";
          const out = execFileSync(process.execPath, ["-e", source], {
            env: { SKIFF_INPUT_0: "5" },
          }).toString();
          expect(JSON.parse(out)).toEqual([0, 1, 1, 2, 3]);
        }
      });
    }
  });

  it("etl fans out after download and chains parameters and artifacts by reference", async () => {
    const spec = (await load("etl")).toSpec() as Workflow;
    const tasks = template(spec, "etl").dag?.tasks ?? [];
    const byName = Object.fromEntries(tasks.map((task) => [task.name, task])) as Record<string, DAGTask>;
    expect(byName.totals.depends).toBe("download");
    expect(byName.regions.depends).toBe("download");
    expect(byName.report.depends).toBe("totals && regions");
    expect(byName.totals.arguments?.artifacts).toEqual([
      { name: "orders", from: "{{tasks.download.outputs.artifacts.dataset}}" },
    ]);
    expect(byName.report.arguments?.parameters).toEqual([
      { name: "count", value: "{{tasks.download.outputs.parameters.count}}" },
      { name: "total", value: "{{tasks.totals.outputs.parameters.total}}" },
      { name: "regions", value: "{{tasks.regions.outputs.result}}" },
    ]);
  });

  it("ts-step ships functions that run under Node and print their result", async () => {
    const spec = (await load("ts-step")).toSpec() as Workflow;
    const fib = template(spec, "fibonacci").script;
    expect(fib?.image).toBe("node:22");
    expect(fib?.env).toEqual([{ name: "SKIFF_INPUT_0", value: "{{inputs.parameters.n}}" }]);
    const run = (source: string, env: Record<string, string>) =>
      execFileSync(process.execPath, ["-e", source], {
        env: { ...env, PATH: process.env.PATH ?? "" },
      }).toString();
    const sequence = run(fib?.source ?? "", { SKIFF_INPUT_0: "8" });
    expect(JSON.parse(sequence)).toEqual([0, 1, 1, 2, 3, 5, 8, 13]);
    const total = run(template(spec, "total").script?.source ?? "", { SKIFF_INPUT_0: sequence });
    expect(JSON.parse(total)).toEqual({ count: 8, sum: 33 });
  });

  it("cron compiles to a CronWorkflow with schedule, time zone and concurrency policy", async () => {
    const spec = (await load("cron")).toSpec();
    expect(spec.kind).toBe("CronWorkflow");
    expect(spec.spec).toMatchObject({
      schedules: ["30 2 * * *"],
      timezone: "Europe/Paris",
      concurrencyPolicy: "Forbid",
      workflowSpec: { entrypoint: "nightly" },
    });
  });
});
