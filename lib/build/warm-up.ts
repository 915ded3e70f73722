// The first build of a process lints a manifest with code V8 has never run: compiling the schema
// validator's functions (a 0.9 MB module) costs about as much as running them. The parent is idle while
// the worker evaluates, so it lints a small manifest of the usual shape then (once per process); the
// real manifest finds the code compiled.
import type * as Lint from "./lint";

/** The sample: a valid Workflow with a DAG, references and a container template. */
export function sampleManifest() {
  const task = (name: string, ...after: string[]) => ({
    name,
    template: "work",
    arguments: {
      parameters: [{ name: "msg", value: after[0] ? `{{tasks.${after[0]}.outputs.parameters.out}}` : "hi" }],
    },
    ...(after.length > 0 ? { depends: after.join(" && ") } : {}),
  });
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: { generateName: "warm-up-", labels: { app: "skiff" } },
    spec: {
      entrypoint: "main",
      arguments: { parameters: [{ name: "size", value: "3" }] },
      templates: [
        { name: "main", dag: { tasks: [task("a"), task("b", "a"), task("c", "a"), task("d", "b", "c")] } },
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
    lint.lintManifest(sampleManifest());
  } catch {
    // Only a head start.
  }
}
