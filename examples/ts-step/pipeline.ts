import { dag, param, tsStep, workflow } from "skiff";

// Steps written as TypeScript functions. Each function is shipped as a Node script: it receives its input
// parameters as strings and its return value becomes the task's result. It must be self-contained.
const fibonacci = tsStep({
  name: "fibonacci",
  inputs: { n: param("10") },
  run: ({ n }) => {
    const sequence = [0, 1];
    while (sequence.length < Number(n))
      sequence.push(sequence[sequence.length - 1] + sequence[sequence.length - 2]);
    return sequence.slice(0, Number(n));
  },
});

const total = tsStep({
  name: "total",
  inputs: { numbers: param() },
  run: async ({ numbers }) => {
    const values = JSON.parse(numbers) as number[];
    return { count: values.length, sum: values.reduce((a, b) => a + b, 0) };
  },
});

const main = dag("main", (d) => {
  const fib = d.task("fibonacci", fibonacci, { args: { n: 12 } });
  d.task("total", total, { args: { numbers: fib.result } });
});

export default workflow({ generateName: "ts-step-", entrypoint: main });
