import { container, http, steps, workflow } from "skiff";

export const hera = "upstream/life_cycle_hooks_wf_level.yaml";

const heads = container({
  name: "heads",
  image: "alpine:3.6",
  command: ["sh", "-c"],
  args: ['echo "it was heads"'],
});
const notify = http({
  name: "http",
  url: "https://raw.githubusercontent.com/argoproj/argo-workflows/4e450e250168e6b4d51a126b784e90b11a0162bc/pkg/apis/workflow/v1alpha1/generated.swagger.json",
});
const main = steps("main", (s) => {
  s.step("step1", heads);
});

export default workflow({
  generateName: "lifecycle-hook-",
  entrypoint: main,
  hooks: {
    exit: { template: notify },
    running: { template: notify, expression: 'workflow.status == "Running"' },
  },
});
