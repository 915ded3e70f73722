import { param, pythonScript, workflowArguments, workflowTemplate } from "skiff";

export const hera = "misc/workflow_with_global_params.yaml";

const args = workflowArguments({ v: 42 });

// Any parameter declaration works: `v` takes its value from the workflow argument and is parsed like the others.
const s = pythonScript({
  name: "s",
  image: "python:3.10",
  inputs: { v: param({ value: args.refs.v }) },
  source: "print(v)",
});

export default workflowTemplate({ generateName: "global-parameters-", entrypoint: s, arguments: args });
