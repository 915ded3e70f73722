import { container, steps, workflow } from "skiff";

export const hera = "upstream/template_defaults.yaml";

const hello = container({ name: "hello-world", image: "busybox", command: ["echo"], args: ["hello world"] });
const retryBackoff = container({
  name: "retry-backoff",
  image: "python:alpine3.6",
  command: ["python", "-c"],
  args: ["import random; import sys; exit_code = random.choice([0, 1, 1]); sys.exit(exit_code)"],
});

const main = steps("main", (s) => {
  s.step("retry-backoff", retryBackoff);
  s.step("hello-world", hello);
});

export default workflow({
  generateName: "template-defaults-",
  entrypoint: main,
  templateDefaults: { timeout: "30s", retryStrategy: { limit: "2" } },
});
