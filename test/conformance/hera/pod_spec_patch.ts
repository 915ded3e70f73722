import { container, workflow, workflowArguments } from "skiff";

export const hera = "upstream/pod_spec_patch.yaml";

const args = workflowArguments({ "cpu-limit": "100m" });
const hello = container({
  name: "hello-world",
  image: "busybox",
  command: ["echo"],
  args: ["hello world"],
  podSpecPatch: `{"containers":[{"name":"main", "resources":{"limits":{"cpu": "${args.refs["cpu-limit"]}" }}}]}`,
});

export default workflow({ generateName: "pod-spec-patch-", entrypoint: hello, arguments: args });
