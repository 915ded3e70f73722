import { container, steps, workflow } from "skiff";

export const hera = "upstream/parallelism_limit.yaml";

const sleep = container({ name: "sleep", image: "alpine:latest", command: ["sh", "-c", "sleep 10"] });

const main = steps("parallelism-limit", (s) => {
  s.step("sleep", sleep, {
    withItems: ["this", "workflow", "should", "take", "at", "least", 60, "seconds", "to", "complete"],
  });
});

export default workflow({ generateName: "parallelism-limit-", entrypoint: main, parallelism: 2 });
