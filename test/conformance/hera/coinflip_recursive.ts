import { container, eq, script, steps, workflow } from "skiff";

export const hera = "upstream/coinflip_recursive.yaml";

const heads = container({
  name: "heads",
  image: "alpine:3.6",
  command: ["sh", "-c"],
  args: ['echo "it was heads"'],
});
const flipCoin = script({
  name: "flip-coin",
  image: "python:alpine3.6",
  command: ["python"],
  source: "import random\nresult = 'heads' if random.randint(0, 1) == 0 else 'tails'\nprint(result)",
});

// Tails flips again: the steps template runs itself (`s.self`).
const coinflip = steps("coinflip", (s) => {
  const flip = s.step("flip-coin", flipCoin);
  s.parallel((p) => {
    p.step("heads", heads, { when: eq(flip.result, "heads") });
    p.step("tails", s.self, { when: eq(flip.result, "tails") });
  });
});

export default workflow({ generateName: "coinflip-recursive-", entrypoint: coinflip });
