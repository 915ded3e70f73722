import { eq, ex, param, script, steps, workflow } from "skiff";

export const hera = "upstream/conditional_parameters.yaml";

const py = (name: string, source: string) =>
  script({ name, image: "python:alpine3.6", command: ["python"], source });
const flipCoin = py("flip-coin", 'import random\nprint("heads" if random.randint(0,1) == 0 else "tails")\n');
const heads = py("heads", 'print("heads")\n');
const tails = py("tails", 'print("tails")\n');

const main = steps("main", (s) => {
  const flip = s.step("flip-coin", flipCoin);
  const [h, t] = s.parallel((p) => [
    p.step("heads", heads, { when: eq(flip.result, "heads") }),
    p.step("tails", tails, { when: eq(flip.result, "tails") }),
  ]);
  // The template's output is the result of whichever step ran.
  return {
    stepresult: param({ valueFrom: { expression: ex(flip.result).eq("heads").check(h.result, t.result) } }),
  };
});

export default workflow({
  generateName: "conditional-parameter-",
  annotations: {
    "workflows.argoproj.io/description":
      "Conditional parameters provide a way to choose the output parameters based on expression.\n\nIn this example the step template has two steps which will run conditionally on `when`.\n\nBased on that condition, one of step will not be executed. The step template's output parameter will be\nset from the executed step's output.\n",
    "workflows.argoproj.io/version": ">= 3.1.0",
  },
  labels: { "workflows.argoproj.io/test": "true" },
  entrypoint: main,
});
