// The same graph as generate.ts, written with Hera 7's DSL (`Workflow`, `DAG`, `Container`, `Parameter`, `>>`)
// statement by statement as generatePipeline writes the TypeScript, and what the bench needs to run it: a
// python3 with pydantic v2 and PyYAML, Hera's source on PYTHONPATH (HERA_SRC), and a comparison of the two
// specs' structure.
import { spawnSync } from "node:child_process";
import { parseYaml } from "../../test/support/yaml";

const PER_DAG = 100;

export function generateHeraScript(tasks: number): string {
  const lines = [
    "from hera.workflows import DAG, Container, Parameter, Workflow",
    "",
    `with Workflow(generate_name="bench-${tasks}-", entrypoint="main") as w:`,
    "    work = Container(",
    `        name="work",`,
    `        image="alpine:3.20",`,
    `        inputs=[Parameter(name="msg")],`,
    `        command=["sh", "-c"],`,
    `        args=["echo {{inputs.parameters.msg}}"],`,
    "    )",
  ];
  const parts = Math.ceil(tasks / PER_DAG);
  for (let p = 0; p < parts; p++) {
    const count = Math.min(PER_DAG, tasks - p * PER_DAG);
    lines.push(`    with DAG(name="part-${p}") as part${p}:`);
    for (let i = 0; i < count; i++) {
      lines.push(`        t${i} = work(name="t${i}", arguments={"msg": "part ${p} task ${i}"})`);
      if (i > 0) lines.push(`        t${i % 10 === 0 ? i - 10 : i - 1} >> t${i}`);
    }
  }
  lines.push(`    with DAG(name="main"):`);
  for (let p = 0; p < parts; p++) {
    lines.push(`        p${p} = part${p}(name="part-${p}")`);
    if (p > 0) lines.push(`        p${p - 1} >> p${p}`);
  }
  lines.push("", `print(w.to_yaml(), end="")`, "");
  return lines.join("\n");
}

export const HERA_HOWTO = `Hera rows skipped: set HERA_SRC to Hera 7's src/ folder, e.g.
  a work tree of argoproj-labs/hera at tag 7.0.0 in /tmp/hera (git worktree add or git archive of a clone), then
  HERA_SRC=/tmp/hera/src npm run bench -- compile/hera
with a python3 that has pydantic v2 and PyYAML (HERA_PYTHON=/path/to/python3 picks one; Debian 12's
python3-pydantic is v1, which Hera 7 refuses: use pip's pydantic>=2, or Debian 13's package).`;

/**
 * The python3 to run Hera with: HERA_PYTHON, else the first of `python3` on PATH and /usr/bin/python3 that
 * imports Hera (from HERA_SRC), pydantic >= 2 and PyYAML. The interpreter itself (sys.executable), not a
 * launcher shim such as pyenv's (a bash script that costs ~100 ms per start), is returned.
 */
export function findPython(heraSrc: string): { python?: string; problems: string[] } {
  const candidates = process.env.HERA_PYTHON ? [process.env.HERA_PYTHON] : ["python3", "/usr/bin/python3"];
  const problems: string[] = [];
  const probe =
    "import sys, pydantic, yaml, hera.workflows\n" +
    "assert int(pydantic.VERSION.split('.')[0]) >= 2, 'pydantic ' + pydantic.VERSION + ' (Hera 7 needs v2)'\n" +
    "print(sys.executable)";
  for (const candidate of candidates) {
    const r = spawnSync(candidate, ["-c", probe], {
      encoding: "utf8",
      env: { ...process.env, PYTHONPATH: heraSrc },
    });
    if (r.status === 0) return { python: r.stdout.trim(), problems };
    const why = (r.stderr || String(r.error ?? "")).trim().split("\n").pop();
    problems.push(`${candidate}: ${why}`);
  }
  return { problems };
}

interface Shape {
  entrypoint: unknown;
  templates: Record<string, unknown>;
}

/** The spec's structure, order-free: templates by name; containers, inputs and DAG tasks with their arguments. */
export function specShape(yamlText: string): Shape {
  const wf = parseYaml(yamlText) as {
    spec: {
      entrypoint: string;
      templates: Array<{
        name: string;
        container?: { image?: string; command?: string[]; args?: string[] };
        inputs?: { parameters?: Array<{ name: string }> };
        dag?: {
          tasks: Array<{
            name: string;
            template: string;
            depends?: string;
            dependencies?: string[];
            arguments?: { parameters?: Array<{ name: string; value?: string }> };
          }>;
        };
      }>;
    };
  };
  const templates: Record<string, unknown> = {};
  for (const t of wf.spec.templates) {
    templates[t.name] = {
      container: t.container
        ? { image: t.container.image, command: t.container.command, args: t.container.args }
        : undefined,
      inputs: t.inputs?.parameters?.map((p) => p.name).sort(),
      tasks: t.dag?.tasks
        .map((task) => ({
          name: task.name,
          template: task.template,
          depends: task.depends ?? task.dependencies?.join(" && "),
          args: Object.fromEntries((task.arguments?.parameters ?? []).map((p) => [p.name, p.value])),
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
  }
  return { entrypoint: wf.spec.entrypoint, templates };
}

/** Leaf tasks (those running `work`) in a spec's DAGs. */
export function leafTasks(shape: Shape): number {
  let n = 0;
  for (const t of Object.values(shape.templates) as Array<{ tasks?: Array<{ template: string }> }>) {
    n += t.tasks?.filter((task) => task.template === "work").length ?? 0;
  }
  return n;
}

/** The first difference between two shapes, or undefined when they are the same. */
export function shapeDifference(a: Shape, b: Shape): string | undefined {
  if (a.entrypoint !== b.entrypoint) return `entrypoint ${a.entrypoint} vs ${b.entrypoint}`;
  const names = [...new Set([...Object.keys(a.templates), ...Object.keys(b.templates)])].sort();
  for (const name of names) {
    const [x, y] = [JSON.stringify(a.templates[name]), JSON.stringify(b.templates[name])];
    if (x !== y) return `template ${name}: ${x?.slice(0, 300)} vs ${y?.slice(0, 300)}`;
  }
  return undefined;
}
