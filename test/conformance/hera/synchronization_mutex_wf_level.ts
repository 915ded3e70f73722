import { container, workflow } from "skiff";

export const hera = "upstream/synchronization_mutex_wf_level.yaml";

const hello = container({ name: "hello-world", image: "busybox", command: ["echo"], args: ["hello world"] });

export default workflow({
  generateName: "synchronization-wf-level-",
  entrypoint: hello,
  synchronization: { mutexes: [{ name: "test" }] },
});
