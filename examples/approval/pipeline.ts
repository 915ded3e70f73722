import { eq, param, shell, steps, suspend, workflow } from "skiff";

// A manual approval gate: the run suspends until someone resumes it and supplies `approve` (YES/NO);
// it resumes by itself after a day, with the default (NO).
const build = shell({ name: "build", image: "busybox", source: "echo built release candidate" });

const approval = suspend({
  name: "approval",
  duration: "24h",
  inputs: { approve: param({ default: "NO", enum: ["YES", "NO"] }) },
  outputs: { approve: param({ valueFrom: { supplied: {}, default: "NO" } }) },
});

const release = shell({ name: "release", image: "busybox", source: "echo released" });
const discard = shell({ name: "discard", image: "busybox", source: "echo release candidate discarded" });

const main = steps("main", (s) => {
  s.step("build", build);
  const gate = s.step("approval", approval);
  s.parallel((p) => {
    p.step("release", release, { when: eq(gate.outputs.approve, "YES") });
    p.step("discard", discard, { when: eq(gate.outputs.approve, "NO") });
  });
});

export default workflow({ generateName: "approval-", entrypoint: main });
