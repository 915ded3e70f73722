// The first build of a process lints a manifest with code V8 has never run: compiling the schema
// validator's functions (a 0.9 MB module) costs about as much as running them. The parent is idle while
// the worker evaluates, so it lints a sample of the usual shape then (once per process); the real
// manifest finds the code compiled and its inline caches set. A 40-task sample, rather than 4, took the
// first real lint of a 500-task manifest from 22-24 to 18 ms for 2-3 ms more of idle time (paired runs).
import type * as Lint from "./lint";

const WARM_UP_TASKS = 40;

/**
 * The sample: a valid Workflow with a DAG of `tasks` tasks, each after the one or two before it and using
 * the output of the one before, and a container template.
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

let warmed = false;

/** Lints the sample once per process; what it finds is ignored (it is not the user's manifest). */
export function warmUpLinter(lint: typeof Lint): void {
  if (warmed) return;
  warmed = true;
  try {
    lint.lintManifest(sampleManifest(WARM_UP_TASKS));
  } catch {
    // Only a head start.
  }
}
