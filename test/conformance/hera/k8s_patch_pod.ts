import { resource, workflow } from "skiff";

export const hera = "upstream/k8s_patch_pod.yaml";

const main = resource({
  name: "main",
  action: "patch",
  manifest: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{pod.name}}\n  annotations:\n    foo: bar\n",
});

export default workflow({
  generateName: "k8s-patch-pod-",
  labels: { "workflows.argoproj.io/test": "true" },
  entrypoint: main,
});
