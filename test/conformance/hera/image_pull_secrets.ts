import { container, workflow } from "skiff";

export const hera = "upstream/image_pull_secrets.yaml";

const hello = container({ name: "hello-world", image: "busybox", command: ["echo"], args: ["hello world"] });

export default workflow({
  generateName: "hello-world-",
  entrypoint: hello,
  imagePullSecrets: ["docker-registry-secret"],
});
