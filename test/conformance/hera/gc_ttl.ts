import { container, workflow } from "skiff";

export const hera = "upstream/gc_ttl.yaml";

const hello = container({ name: "hello-world", image: "busybox", command: ["echo"], args: ["hello world"] });

export default workflow({
  generateName: "gc-ttl-",
  entrypoint: hello,
  ttlStrategy: { secondsAfterCompletion: 10, secondsAfterFailure: 5, secondsAfterSuccess: 5 },
});
