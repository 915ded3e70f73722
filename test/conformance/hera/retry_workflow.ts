import { container, workflow } from "skiff";

export const hera = "misc/retry_workflow.yaml";

const retryBackoff = container({
  name: "retry-backoff",
  image: "python:alpine3.6",
  command: ["python", "-c"],
  args: ["import random; import sys; exit_code = random.choice(range(0, 5)); sys.exit(exit_code)"],
});

export default workflow({
  generateName: "retry-workflow-",
  entrypoint: retryBackoff,
  retryStrategy: { limit: "10", backoff: { duration: "1", factor: "2", maxDuration: "1m" } },
});
