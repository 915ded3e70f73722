import { container, eq, script, steps, workflow } from "skiff";

export const hera = "upstream/coinflip.yaml";

const say = (name: string, text: string) =>
  container({ name, image: "alpine:3.6", command: ["sh", "-c"], args: [`echo "it was ${text}"`] });
const heads = say("heads", "heads");
const tails = say("tails", "tails");

const flipCoin = script({
  name: "flip-coin",
  image: "python:alpine3.6",
  command: ["python"],
  source: "import random\nresult = 'heads' if random.randint(0, 1) == 0 else 'tails'\nprint(result)",
});

const coinflip = steps("coinflip", (s) => {
  const flip = s.step("flip-coin", flipCoin);
  s.parallel((p) => {
    p.step("heads", heads, { when: eq(flip.result, "heads") });
    p.step("tails", tails, { when: eq(flip.result, "tails") });
  });
});

export default workflow({
  generateName: "coinflip-",
  annotations: {
    "workflows.argoproj.io/description":
      "This is an example of coin flip defined as a sequence of conditional steps.",
  },
  entrypoint: coinflip,
});
