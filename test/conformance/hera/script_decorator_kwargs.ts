import { python, workflow } from "skiff";

export const hera = "scripts/script_decorator_kwargs.yaml";

const scriptWithKwargs = python({
  name: "script-with-kwargs",
  image: "python:3.10",
  imagePullPolicy: "Always",
  resources: { requests: { memory: "5Gi" } },
  labels: { "my-label": "my-value" },
  podAnnotations: { "my-annotation": "my-value" },
  source: "import os\nimport sys\nsys.path.append(os.getcwd())\nprint('ok')",
});

export default workflow({ generateName: "script-with-kwargs-", entrypoint: scriptWithKwargs });
