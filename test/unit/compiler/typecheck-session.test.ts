import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { typecheckPipeline } from "../../../lib/compiler/typecheck";
import { TypecheckSession } from "../../../lib/compiler/typecheck-session";
import { buildDeclarations } from "../../../scripts/build-dts.mjs";

// The DSL's declarations as a build emits them, into this test's own folder (dist/ may be stale or absent).
const scratch = mkdtempSync(join(tmpdir(), "skiff-typecheck-session-test-"));
let declarations = "";
const session = new TypecheckSession();
beforeAll(async () => {
  declarations = await buildDeclarations(join(scratch, "types"));
});
afterAll(async () => {
  await session.close();
  rmSync(scratch, { recursive: true, force: true });
});

const PIPELINE = `import { container, workflow } from "skiff";
import { image } from "./shared/image";

const hello = container({ name: "hello", image, command: ["echo", "hi"] });
export default workflow({ generateName: "hello-", entrypoint: hello });
`;
const upload = (files: Record<string, string>) => new Map(Object.entries(files));
const warm = (files: Map<string, string>) => typecheckPipeline(files, { dslEntry: declarations, session });
const spawned = (files: Map<string, string>) => typecheckPipeline(files, { dslEntry: declarations });

describe("TypecheckSession (a warm TypeScript API session)", () => {
  it("reports what the spawned compiler reports, at the same places", async () => {
    const cases = [
      upload({ "pipeline.ts": PIPELINE, "shared/image.ts": `export const image = "alpine";\n` }),
      upload({ "pipeline.ts": PIPELINE, "shared/image.ts": `export const image: string = 42;\n` }),
      upload({ "pipeline.ts": `const n: number = "x";\r\nconst s: string = 1;\n`, "shared/image.ts": "" }),
      // A message with a chain of reasons (indented lines).
      upload({ "pipeline.ts": `const x: { a: { b: number } } = { a: { b: "no" } };\nexport {};\n` }),
      upload({ "pipeline.ts": `import { nothing } from "./missing";\nconst y: = 1;\n` }),
      // Nothing outside the upload resolves, on disk or in the session's earlier checks.
      upload({
        "pipeline.ts": `import { secret } from "../outside";\nimport { other } from "../../1/upload/x";\n`,
      }),
    ];
    for (const files of cases) {
      const expected = await spawned(files);
      expect(await warm(files)).toEqual(expected);
    }
    expect(await warm(cases[1] ?? new Map())).toEqual([
      {
        code: "typecheck",
        severity: "error",
        message: "TS2322: Type 'number' is not assignable to type 'string'.",
        file: "shared/image.ts",
        line: 1,
        column: 14,
      },
    ]);
  });

  it("sees only its own upload: a later check does not find an earlier one's files", async () => {
    const first = upload({ "pipeline.ts": PIPELINE, "shared/image.ts": `export const image = "alpine";\n` });
    expect(await warm(first)).toEqual([]);
    // The same paths, but shared/image.ts is gone and the pipeline has a type error of its own.
    const second = upload({ "pipeline.ts": `${PIPELINE}const wrong: number = "1";\n` });
    const diagnostics = await warm(second);
    expect(diagnostics.map((d) => [d.file, d.line, d.message.slice(0, 7)])).toEqual([
      ["pipeline.ts", 2, "TS2307:"],
      ["pipeline.ts", 6, "TS2322:"],
    ]);
  });

  it("gives each of two concurrent checks its own diagnostics", async () => {
    const image = `export const image = "alpine";\n`;
    const [a, b] = await Promise.all([
      warm(upload({ "pipeline.ts": `${PIPELINE}const a: number = "a";\n`, "shared/image.ts": image })),
      warm(upload({ "other.ts": `export const b: string = 2;\n` })),
    ]);
    expect(a.map((d) => [d.file, d.line])).toEqual([["pipeline.ts", 6]]);
    expect(b.map((d) => [d.file, d.line])).toEqual([["other.ts", 1]]);
  });

  it("recovers from a session whose process was killed between checks", async () => {
    const bad = upload({ "pipeline.ts": `export const n: number = "n";\n` });
    const expected = await warm(bad);
    expect(expected).toHaveLength(1);
    const pid = session.childPid;
    expect(pid).toBeTypeOf("number");
    // Fault injection: the API's child dies while the session is idle.
    process.kill(pid as number, "SIGKILL");
    expect(await warm(bad)).toEqual(expected);
    expect(session.childPid).not.toBe(pid);
  });

  it("starts again after close", async () => {
    await session.close();
    expect(session.childPid).toBeUndefined();
    expect(await warm(upload({ "pipeline.ts": `export const ok: number = 1;\n` }))).toEqual([]);
  });
});
