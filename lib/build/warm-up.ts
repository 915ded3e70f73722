// The first build of a process lints a manifest with code V8 has never run: compiling the schema
// validator's functions (a 0.9 MB module) costs about as much as running them, and code run once is
// interpreted. The parent is idle while the worker evaluates, so it lints a sample of the usual shape
// then, over and over until the worker answers (once per process): the real manifest finds the code
// compiled and the hot parts optimized.
import type * as Lint from "./lint";

/**
 * The sample: a valid Workflow with a DAG of `tasks` tasks (each after the one or two before it, using
 * their outputs) and a container template.
 */
export function sampleManifest(tasks = 4) {
  const task = (i: number) => {
    const after = [i - 1, i - 2].filter((j) => j >= 0).map((j) => `t${j}`);
    return {
      name: `t${i}`,
      template: "work",
      arguments: {
        parameters: [
          { name: "msg", value: after[0] ? `{{tasks.${after[0]}.outputs.parameters.out}}` : "hi" },
        ],
      },
      ...(after.length > 0 ? { depends: after.join(" && ") } : {}),
    };
  };
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: { generateName: "warm-up-", labels: { app: "skiff" } },
    spec: {
      entrypoint: "main",
      arguments: { parameters: [{ name: "size", value: "3" }] },
      templates: [
        { name: "main", dag: { tasks: Array.from({ length: tasks }, (_, i) => task(i)) } },
        {
          name: "work",
          inputs: { parameters: [{ name: "msg" }] },
          outputs: { parameters: [{ name: "out", valueFrom: { path: "/tmp/out" } }] },
          container: {
            image: "alpine:3.20",
            command: ["sh", "-c"],
            args: ["echo {{inputs.parameters.msg}}"],
          },
        },
      ],
    },
  };
}

// Rounds of the warm-up: enough for V8 to optimize the linter's hot functions, few enough that a warm-up
// never costs a build that has nothing to wait for more than one round (each yields to the event loop).
const WARM_UP_TASKS = 40;
const WARM_UP_ROUNDS = 30;
const WARM_UP_BUDGET_MS = 60;

let warmed = false;

/**
 * Lints the sample until `answered()` (the real manifest is there), at most 30 rounds or 60 ms, once per
 * process; what it finds is ignored (it is not the user's manifest).
 */
export function warmUpLinter(lint: typeof Lint, answered: () => boolean): void {
  if (warmed) return;
  warmed = true;
  const sample = sampleManifest(WARM_UP_TASKS);
  const until = performance.now() + WARM_UP_BUDGET_MS;
  let rounds = 0;
  const round = () => {
    if (answered() || rounds >= WARM_UP_ROUNDS || performance.now() > until) return;
    rounds++;
    try {
      lint.lintManifest(sample);
    } catch {
      return; // only a head start
    }
    setImmediate(round);
  };
  round();
}
