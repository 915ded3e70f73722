import { dag, param, workflow } from "skiff";
import { helloScript } from "./_hello";

export const hera = "dags/inner_dag.yaml";

const myDag = dag({ name: "my-dag", inputs: { "my-dag-input": param() } }, (d) => {
  const input = d.inputs["my-dag-input"];
  d.task("hello-1", helloScript, { args: { name: `hello-1-${input}` } });
  d.task("hello-2", helloScript, { args: { name: `hello-2-${input}` } });
});

const calling = dag("calling-dag", (d) => {
  d.task("call-1", myDag, { args: { "my-dag-input": "call-1" } }).before(
    d.task("call-2", myDag, { args: { "my-dag-input": "call-2" } }),
  );
});

export default workflow({ generateName: "callable-inner-dag-", entrypoint: calling });
