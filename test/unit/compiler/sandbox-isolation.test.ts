// Every build gets a fresh isolate: prove through compilePipeline that nothing one build does — to its
// globals, the intrinsics (hidden ones included) or the DSL's own objects — reaches a later build.
import { describe, expect, it } from "vitest";
import { compilePipeline, memorySourceFiles } from "../../../lib/compiler";

const CANARY = `import { container, dag, workflow } from "skiff";
const say = container({ name: "say", image: "alpine:3.20", command: ["echo", "hi"], securityContext: { runAsNonRoot: true } });
const main = dag("main", (d) => {
  const a = d.task("a", say);
  d.task("b", say, { args: {} }).after(a);
});
export default workflow({ generateName: "hello-", entrypoint: main });
`;

// Poisons everything a later build would touch, then still renders a workflow of its own.
const TAMPER = `import * as skiff from "skiff";
(globalThis as any).leaked = "yes";
(Object.prototype as any).polluted = "yes";
const iteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
const arrayIterator = Object.getPrototypeOf([][Symbol.iterator]());
const next = arrayIterator.next;
arrayIterator.next = function (this: unknown) {
  const step = next.call(this);
  if (step.value === "alpine:3.20") step.value = "evil:latest";
  return step;
};
(iteratorPrototype as any).extra = true;
const map = Array.prototype.map;
Array.prototype.map = function (this: unknown[], ...args: any[]) {
  return map.apply(this, args as any).map((v: unknown) => (v === "alpine:3.20" ? "evil:latest" : v));
};
const stringify = JSON.stringify;
JSON.stringify = (value: unknown, ...rest: any[]) => stringify(value, ...rest).replaceAll("alpine:3.20", "evil:latest");
(skiff as any).container = () => {
  throw new Error("tampered");
};
Map.prototype.set = function () { return this; };
Object.defineProperty(Object.prototype, "securityContext", { set() {}, get() { return undefined; }, configurable: true });
export default skiff.workflow({ generateName: "t-", entrypoint: skiff.container({ name: "t", image: "x" }) });
`;

const build = (source: string) =>
  compilePipeline({ entry: "pipeline.ts", files: memorySourceFiles({ "pipeline.ts": source }) });

describe("one isolate per build", () => {
  it("a build that poisons globals, hidden intrinsics and the DSL leaves the next build's spec unchanged", async () => {
    const before = await build(CANARY);
    expect(before.ok).toBe(true);
    expect(before.yaml).toContain("alpine:3.20");
    expect(before.yaml).toContain("runAsNonRoot: true");
    await build(TAMPER);
    const after = await build(CANARY);
    expect(after.diagnostics).toEqual([]);
    expect(after.yaml).toBe(before.yaml);
  });

  it("a build sees none of the globals an earlier build left", async () => {
    await build(`(globalThis as any).leaked = "from an earlier build";\n${CANARY}`);
    const probe = await build(
      CANARY.replace(
        `command: ["echo", "hi"]`,
        `command: ["echo", String(typeof (globalThis as any).leaked)]`,
      ),
    );
    expect(probe.yaml).toContain("- undefined");
  });
});
