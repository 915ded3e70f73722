import { container, workflow } from "skiff";

export const hera = "upstream/retry_backoff.yaml";

const retryBackoff = container({
  name: "retry-backoff",
  image: "python:alpine3.6",
  command: ["python", "-c"],
  args: ["import random; import sys; exit_code = random.choice([0, 1, 1]); sys.exit(exit_code)"],
  retryStrategy: { limit: "10", backoff: { cap: "5", duration: "1", factor: "2", maxDuration: "1m" } },
});

export default workflow({ generateName: "retry-backoff-", entrypoint: retryBackoff });
