import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memorySourceFiles } from "../../../lib/compiler/source-files";
import { typecheckPipeline } from "../../../lib/compiler/typecheck";
import { buildDeclarations } from "../../../scripts/build-dts.mjs";

// The DSL's declarations as a build emits them, into this test's own folder (dist/ may be stale or absent).
const scratch = mkdtempSync(join(tmpdir(), "skiff-typecheck-test-"));
let declarations = "";
beforeAll(async () => {
  declarations = await buildDeclarations(join(scratch, "types"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const DAG = `import { container, dag, param, workflow } from "skiff";
import { image } from "./shared/image";

const produce = container({
  name: "produce",
  image,
  command: ["sh", "-c", "echo 42 > /tmp/n"],
  outputs: { n: param({ valueFrom: { path: "/tmp/n" } }) },
});
const consume = container({ name: "consume", image, inputs: { n: param() } });
const main = dag("main", (d) => {
  const a = d.task("a", produce);
  d.task("b", consume, { args: { n: a.outputs.N_FIELD } });
});
export default workflow({ generateName: "dag-", entrypoint: main });
`;
const IMAGE = `export const image = "alpine:3.20";\n`;

const upload = (files: Record<string, string>) => new Map(Object.entries(files));
const dagUpload = (output: string, image = IMAGE) =>
  upload({ "pipeline.ts": DAG.replace("N_FIELD", output), "shared/image.ts": image });

describe("typecheckPipeline (TypeScript's native compiler)", () => {
  it("finds nothing wrong with a clean pipeline and its sibling file", async () => {
    expect(await typecheckPipeline(dagUpload("n"), { dslEntry: declarations })).toEqual([]);
  });

  it("reports a type error as TS<code> at upload-relative file:line:col", async () => {
    const files = upload({
      "pipeline.ts": `import { container, workflow } from "skiff";\n\nconst retries: number = "three";\nexport default workflow({ name: "w", entrypoint: container({ name: "c", image: "alpine" }) });\n`,
    });
    expect(await typecheckPipeline(files, { dslEntry: declarations })).toEqual([
      {
        severity: "error",
        code: "typecheck",
        message: "TS2322: Type 'string' is not assignable to type 'number'.",
        file: "pipeline.ts",
        line: 3,
        column: 7,
      },
    ]);
  });

  it("reports an error in a sibling file the entry imports, at that file", async () => {
    const diagnostics = await typecheckPipeline(dagUpload("n", `export const image: string = 42;\n`), {
      dslEntry: declarations,
    });
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: "typecheck", file: "shared/image.ts", line: 1, column: 14 }),
    ]);
    expect(diagnostics[0]?.message).toMatch(/^TS2322: /);
  });

  it("keeps the DSL's typed references in its declarations: a misspelled output does not compile", async () => {
    const diagnostics = await typecheckPipeline(dagUpload("m"), { dslEntry: declarations });
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: "typecheck", file: "pipeline.ts", line: 13, column: 47 }),
    ]);
    expect(diagnostics[0]?.message).toMatch(/^TS2339: Property 'm' does not exist on type/);
    // The same against this installation's default (its declarations, or its sources when not built).
    expect(await typecheckPipeline(dagUpload("m"))).toEqual(diagnostics);
  });

  it("keeps the indented lines of a message that explains itself", async () => {
    const files = upload({
      "pipeline.ts": `const take = (x: { a: { b: number } }) => x;\nconst y = { a: { b: "s" } };\ntake(y);\n`,
    });
    const [diagnostic] = await typecheckPipeline(files, { dslEntry: declarations });
    expect(diagnostic).toMatchObject({ file: "pipeline.ts", line: 3, column: 6 });
    expect(diagnostic?.message).toMatch(
      /^TS2345: Argument of type .*\n {2}The types of 'a\.b' .*\n {4}Type 'string'/,
    );
  });

  it("reads nothing but the upload: a module outside it does not resolve", async () => {
    const files = upload({
      "pipeline.ts": `import { secret } from "../outside";\nexport const s: string = secret;\n`,
      "../outside.ts": `export const secret = "x";\n`,
    });
    const diagnostics = await typecheckPipeline(files, { dslEntry: declarations });
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: "typecheck", file: "pipeline.ts", line: 1, column: 24 }),
    ]);
    expect(diagnostics[0]?.message).toMatch(/^TS2307: Cannot find module '\.\.\/outside'/);
  });

  it("removes its private directory afterwards, also when the compiler fails", async () => {
    const privateTmp = join(scratch, "tmp");
    mkdirSync(privateTmp);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = privateTmp;
    try {
      await typecheckPipeline(dagUpload("m"), { dslEntry: declarations });
      await typecheckPipeline(dagUpload("n"), { compiler: join(scratch, "no-such-tsc") });
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(readdirSync(privateTmp)).toEqual([]);
  });

  it("says so when the compiler is missing, instead of throwing", async () => {
    const missing = join(scratch, "no-such-tsc");
    expect(await typecheckPipeline(dagUpload("n"), { compiler: missing })).toEqual([
      {
        severity: "error",
        code: "typecheck.unavailable",
        message: `TypeScript's compiler was not found at ${missing}`,
      },
    ]);
  });

  it("says so when the compiler fails without reporting a diagnostic", async () => {
    // Node is no TypeScript compiler: it exits 1 on the arguments, printing no `error TS` line.
    const [diagnostic, ...rest] = await typecheckPipeline(dagUpload("n"), { compiler: process.execPath });
    expect(rest).toEqual([]);
    expect(diagnostic).toMatchObject({ code: "typecheck.unavailable" });
    expect(diagnostic?.message).toMatch(/^TypeScript's compiler exited with code \d+/);
  });
});

describe("typecheckPipeline with the whole upload (files)", () => {
  const entry = `import { container, workflow } from "skiff";
import type { Image } from "./types";
import type { Tag } from "./nested/tag.js";
const image: Image = "alpine";
const tag: Tag = "3.20";
export default workflow({ name: "w", entrypoint: container({ name: "c", image: \`\${image}:\${tag}\` }) });
`;
  const whole = memorySourceFiles({
    "pipeline.ts": entry,
    "types.ts": `export type Image = string;\n`,
    "nested/tag.ts": `import type { Image } from "../types";\nexport type Tag = Image;\n`,
  });

  it("reads modules imported only for their types, which the bundle never reaches", async () => {
    // The bundle's sources: type-only imports are erased before esbuild resolves anything.
    const sources = upload({ "pipeline.ts": entry });
    const without = await typecheckPipeline(sources, { dslEntry: declarations });
    expect(without.map((d) => d.message)).toEqual([
      expect.stringMatching(/^TS2307: Cannot find module '\.\/types'/),
      expect.stringMatching(/^TS2307: Cannot find module '\.\/nested\/tag\.js'/),
    ]);
    expect(await typecheckPipeline(sources, { dslEntry: declarations, files: whole })).toEqual([]);
  });

  it("reports errors in the files it read, at their upload paths", async () => {
    const broken = memorySourceFiles({
      "pipeline.ts": entry,
      "types.ts": `export type Image = string;\n`,
      "nested/tag.ts": `import type { Image } from "../types";\nexport type Tag = Image;\nconst n: number = "x";\n`,
    });
    const diagnostics = await typecheckPipeline(upload({ "pipeline.ts": entry }), {
      dslEntry: declarations,
      files: broken,
    });
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: "typecheck", file: "nested/tag.ts", line: 3, column: 7 }),
    ]);
  });
});
