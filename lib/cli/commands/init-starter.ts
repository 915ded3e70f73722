// The files `skiff init` writes: a pipeline that runs on the local engine as it is, the TypeScript settings
// that resolve `skiff` from the package, and a README with the next commands.

/** The starter pipeline: a DAG of two host-runnable steps, the second reading the first's output. */
export const STARTER_PIPELINE = `import { container, dag, param, workflow } from "skiff";

// A template is a plain value. This one writes a greeting to a file, which becomes its output parameter.
const greet = container({
  name: "greet",
  image: "alpine",
  command: ["sh", "-c", "echo 'hello, {{inputs.parameters.who}}' | tee /tmp/greeting"],
  inputs: { who: param() },
  outputs: { greeting: param({ valueFrom: { path: "/tmp/greeting" } }) },
});

const shout = container({
  name: "shout",
  image: "alpine",
  command: ["sh", "-c", "echo '{{inputs.parameters.text}}' | tr a-z A-Z"],
  inputs: { text: param() },
});

// The entrypoint: a DAG. \`hello.outputs.greeting\` is a typed reference (a typo does not compile), and
// using it makes "shout" run after "hello".
const main = dag("main", (d) => {
  const hello = d.task("hello", greet, { args: { who: "{{workflow.parameters.who}}" } });
  d.task("shout", shout, { args: { text: hello.outputs.greeting } });
});

export default workflow({ generateName: "hello-", entrypoint: main, arguments: { who: "world" } });
`;

/**
 * What an editor and \`tsc\` need to check pipeline.ts: \`bundler\` resolution reads the package's "exports"
 * (its declarations), as the pipeline's own build does.
 */
export const STARTER_TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: "ES2022",
      lib: ["ES2023"],
      module: "ESNext",
      moduleResolution: "bundler",
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      isolatedModules: true,
      verbatimModuleSyntax: true,
    },
    include: ["**/*.ts"],
  },
  null,
  2,
)}\n`;

/** package.json for a new project; skiff as a devDependency when it is known where to get it from. */
export function starterPackageJson(name: string, skiffSpec: string | undefined): string {
  return `${JSON.stringify(
    {
      name,
      version: "0.1.0",
      private: true,
      type: "module",
      scripts: {
        build: "skiff build pipeline.ts",
        "run:local": "skiff run --local pipeline.ts --watch",
        typecheck: "tsc",
      },
      ...(skiffSpec ? { devDependencies: { skiff: skiffSpec } } : {}),
    },
    null,
    2,
  )}\n`;
}

/** The starter's README; `install` is the command that brings skiff into this directory, if one is needed. */
export function starterReadme(install: string | undefined): string {
  const lines = [
    "# Pipelines",
    "",
    "`pipeline.ts` is a Skiff pipeline: TypeScript that compiles to an Argo Workflow and runs on Argo",
    "Workflows or, on this machine, on Skiff's local engine.",
    "",
    "```sh",
    ...(install ? [`${install}   # once`] : []),
    "npx skiff run --local pipeline.ts --watch   # run it on this machine, with Argo's semantics",
    "npx skiff build pipeline.ts                 # the Argo Workflow it compiles to, as YAML",
    "npx tsc                                     # type-check it, as your editor does",
    "```",
    "",
    "With a Skiff stack running (`npx skiff start` on this machine, or `SKIFF_API_URL` for a deployed stage):",
    "",
    "```sh",
    "npx skiff push pipeline.ts --name hello     # upload it; prints the version it built",
    "npx skiff run hello --wait                  # a Run of the latest version",
    "```",
    "",
  ];
  return lines.join("\n");
}

/** A valid npm package name from a directory's name. */
export function packageName(directoryName: string): string {
  const name = directoryName
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+/, "")
    .slice(0, 214);
  return name || "pipelines";
}
