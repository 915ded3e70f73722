import { python, steps, workflowTemplate } from "skiff";

export const hera = "steps/recursive_steps.yaml";

const randomRoll = python({
  name: "random-roll",
  image: "python:3.10",
  source: "import os\nimport sys\nsys.path.append(os.getcwd())\nimport random\nreturn random.randint(0, 2)",
});

const subSteps = steps("sub-steps", (s) => {
  const roll = s.step("random-roll", randomRoll);
  s.step("recurse", s.self, {
    when: `${roll.result} != 0`,
    // Hera passes an argument the template does not declare (Argo ignores it): only the escape hatch can.
    extra: { arguments: { parameters: [{ name: "input-num", value: roll.result }] } },
  });
});

const main = steps("steps", (s) => {
  s.step("sub-steps", subSteps);
});

export default workflowTemplate({ name: "my-workflow", entrypoint: main });
