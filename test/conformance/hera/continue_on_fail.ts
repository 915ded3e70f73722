import { container, steps, workflow } from "skiff";

export const hera = "upstream/continue_on_fail.yaml";

const hello = container({ name: "hello-world", image: "busybox", command: ["echo"], args: ["hello world"] });
const fail = container({
  name: "intentional-fail",
  image: "alpine:latest",
  command: ["sh", "-c"],
  args: ["echo intentional failure; exit 1"],
});

const main = steps("workflow-ignore", (s) => {
  s.step("A", hello);
  s.parallel((p) => {
    p.step("B", hello);
    p.step("C", fail, { continueOn: { failed: true } });
  });
  s.step("D", hello);
});

export default workflow({ generateName: "continue-on-fail-", entrypoint: main, parallelism: 1 });
