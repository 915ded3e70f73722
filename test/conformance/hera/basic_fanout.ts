import { item, py, pythonScript, steps, workflow } from "skiff";

export const hera = "loops/basic_fanout.yaml";

const printMessage = pythonScript({
  name: "print-message",
  image: "python:3.10",
  inputs: { message: py.str() },
  source: "print(message)",
});

const loops = steps("loop-example", (s) => {
  s.step("print-message-loop-with-items-list", printMessage, {
    withItems: ["hello world", "goodbye world"],
    args: { message: item },
  });
  s.step("print-message-loop-with-items-dict", printMessage, {
    withItems: [{ message: "hello world" }, { message: "goodbye world" }],
    args: { message: item },
  });
  s.step("print-message-loop-with-items-list-of-dicts", printMessage, {
    withItems: ['{"my-key": "hello world"}', '{"my-other-key": "goodbye world"}'],
    args: { message: item },
  });
});

export default workflow({ generateName: "loops-", entrypoint: loops });
