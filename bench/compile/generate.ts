// Generates a benchmark pipeline with `tasks` tasks, written out statement by statement as a person (or a
// code generator) would: DAGs of 100 tasks (Argo allows 200 per DAG) chained by a main DAG; each task
// passes a parameter, and every tenth task starts a new chain that fans in from the previous one.
const PER_DAG = 100;

export function generatePipeline(tasks: number): string {
  const lines = [
    `import { container, dag, param, workflow } from "skiff";`,
    "",
    "const work = container({",
    `  name: "work",`,
    `  image: "alpine:3.20",`,
    "  inputs: { msg: param() },",
    `  command: ["sh", "-c"],`,
    `  args: ["echo {{inputs.parameters.msg}}"],`,
    "});",
    "",
  ];
  const parts = Math.ceil(tasks / PER_DAG);
  for (let p = 0; p < parts; p++) {
    const count = Math.min(PER_DAG, tasks - p * PER_DAG);
    lines.push(`const part${p} = dag("part-${p}", (d) => {`);
    for (let i = 0; i < count; i++) {
      const after = i === 0 ? "" : i % 10 === 0 ? `.after(t${i - 10})` : `.after(t${i - 1})`;
      lines.push(`  const t${i} = d.task("t${i}", work, { args: { msg: "part ${p} task ${i}" } })${after};`);
    }
    lines.push("});", "");
  }
  lines.push(`const main = dag("main", (d) => {`);
  for (let p = 0; p < parts; p++) {
    lines.push(`  const p${p} = d.task("part-${p}", part${p})${p === 0 ? "" : `.after(p${p - 1})`};`);
  }
  lines.push(
    "});",
    "",
    `export default workflow({ generateName: "bench-${tasks}-", entrypoint: main });`,
    "",
  );
  return lines.join("\n");
}
