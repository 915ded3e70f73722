import { GetObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler } from "../../../functions/build";
import { parseYaml } from "../../support/yaml";
import { BUCKET, type Stack, startStack } from "./harness";

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const pipeline = (greeting: string, extra = "") => `import { container, dag, param, workflow } from "skiff";
${extra}
const say = container({ name: "say", image: "alpine:3.20", command: ["echo", ${greeting}] });
const main = dag("main", (d) => {
  const a = d.task("a", say);
  d.task("b", say).after(a);
});
export default workflow({
  generateName: "hello-",
  entrypoint: main,
  arguments: { who: "world", mode: param({ default: "fast", enum: ["fast", "slow"] }) },
});
`;

async function specText(key: string): Promise<string> {
  const out = await stack.s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return (await out.Body?.transformToString()) ?? "";
}

const eventsOf = (pipelineName: string) =>
  stack.published().filter((e) => (e.detail as { pipeline?: string }).pipeline === pipelineName);

describe("build function", () => {
  it("builds an upload: stores specs/<name>/<version>.yaml, records the version, publishes Build Succeeded", async () => {
    const event = await stack.upload("pipelines/hello.ts", pipeline(`"hi"`));
    const { results } = await handler(event);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      kind: "built",
      created: true,
      version: { pipeline: "hello", version: "v1", ok: true },
    });

    const spec = parseYaml(await specText("specs/hello/v1.yaml"));
    expect(spec.kind).toBe("Workflow");
    expect(spec.spec.entrypoint).toBe("main");

    const version = await stack.pipelines.getVersion("hello", "v1");
    // Which upload the version was built from: the entry object's ETag as S3 stored it (what `skiff push` got).
    const stored = await stack.s3Client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: "pipelines/hello.ts" }),
    );
    expect(version?.upload).toEqual({ key: "pipelines/hello.ts", etag: stored.ETag });
    expect(stored.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(version).toMatchObject({
      ok: true,
      templateCount: 2,
      parameters: [
        { name: "who", default: "world" },
        { name: "mode", default: "fast", enum: ["fast", "slow"] },
      ],
    });
    expect(version?.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(version?.sourceSize).toBe(Buffer.byteLength(pipeline(`"hi"`)));
    expect((await stack.pipelines.getPipeline("hello"))?.latestGoodVersion).toBe("v1");

    await stack.bus.router.idle();
    const events = eventsOf("hello");
    expect(events.map((e) => e["detail-type"])).toEqual(["Pipeline Build Succeeded"]);
    expect(events[0]).toMatchObject({
      source: "skiff",
      detail: { version: "v1", specKey: "specs/hello/v1.yaml", templateCount: 2 },
    });
  });

  it("records no new version and publishes nothing when identical content is uploaded again", async () => {
    const before = eventsOf("hello").length;
    const { results } = await handler(await stack.upload("pipelines/hello.ts", pipeline(`"hi"`)));
    expect(results[0]).toMatchObject({ kind: "built", created: false, version: { version: "v1" } });
    const versions = await stack.pipelines.listVersions("hello");
    expect(versions.items.map((v) => v.version)).toEqual(["v1"]);
    await stack.bus.router.idle();
    expect(eventsOf("hello")).toHaveLength(before);
  });

  it("records a failed build with its diagnostics and leaves the last good version runnable", async () => {
    const broken = pipeline(`"hi"`).replace("const main", "const main = 1;\nconst oops");
    const { results } = await handler(
      await stack.upload("pipelines/hello.ts", `${broken}\nthrow new Error("boom");\n`),
    );
    expect(results[0]).toMatchObject({ kind: "built", created: true, version: { version: "v2", ok: false } });
    const record = await stack.pipelines.getPipeline("hello");
    expect(record).toMatchObject({
      latestVersion: "v2",
      latestGoodVersion: "v1",
      lastBuild: { version: "v2", ok: false },
    });
    const failed = await stack.pipelines.getVersion("hello", "v2");
    expect(failed?.diagnostics.some((d) => d.severity === "error" && d.file === "hello.ts")).toBe(true);
    // No spec for the failed version; the good one is still there.
    await expect(specText("specs/hello/v2.yaml")).rejects.toThrow();
    expect(await specText("specs/hello/v1.yaml")).toContain("kind: Workflow");

    await stack.bus.router.idle();
    const last = eventsOf("hello").at(-1);
    expect(last?.["detail-type"]).toBe("Pipeline Build Failed");
    expect(last?.detail).toMatchObject({
      version: "v2",
      lastGoodVersion: "v1",
      sourceKey: "pipelines/hello.ts",
    });
  });

  it("reads sibling files of the upload, and a changed sibling makes a new version", async () => {
    await stack.upload("pipelines/report/words.ts", `export const word = "first";\n`);
    const entry = pipeline("word", `import { word } from "./words";`);
    const first = await handler(await stack.upload("pipelines/report/pipeline.ts", entry));
    expect(first.results[0]).toMatchObject({
      kind: "built",
      created: true,
      version: { pipeline: "report", ok: true },
    });
    expect(await specText("specs/report/v1.yaml")).toContain("first");

    // Uploading a module alone builds nothing (it is not an entry)...
    const moduleEvent = await stack.upload("pipelines/report/words.ts", `export const word = "second";\n`);
    expect((await handler(moduleEvent)).results[0]).toMatchObject({ kind: "skipped" });
    // ...but the entry's next build sees it, and the content hash covers it.
    const second = await handler(await stack.upload("pipelines/report/pipeline.ts", entry));
    expect(second.results[0]).toMatchObject({ created: true, version: { version: "v2", ok: true } });
    expect(await specText("specs/report/v2.yaml")).toContain("second");
  });

  it("type-checks uploads by default: a type error fails the build at file:line:col", async () => {
    await stack.upload("pipelines/typed/steps.ts", `export const image: string = "alpine:3.20";\n`);
    // Evaluates to a valid spec: only the type check objects.
    const entry = pipeline(`image`, `import { image } from "./steps";\nconst count: number = image;`);
    const { results } = await handler(await stack.upload("pipelines/typed/pipeline.ts", entry));
    expect(results[0]).toMatchObject({ kind: "built", created: true, version: { version: "v1", ok: false } });
    const version = await stack.pipelines.getVersion("typed", "v1");
    expect(version?.diagnostics).toContainEqual({
      severity: "error",
      code: "typecheck",
      message: "TS2322: Type 'string' is not assignable to type 'number'.",
      file: "typed/pipeline.ts",
      line: 3,
      column: 7,
    });
    await expect(specText("specs/typed/v1.yaml")).rejects.toThrow();
    await stack.bus.router.idle();
    expect(eventsOf("typed").map((e) => e["detail-type"])).toEqual(["Pipeline Build Failed"]);
    expect(eventsOf("typed")[0]?.detail).toMatchObject({
      diagnostics: expect.arrayContaining([
        expect.objectContaining({ code: "typecheck", line: 3, column: 7 }),
      ]),
    });
  });

  describe("an upload reads only its own pipeline's files", () => {
    const TOKEN = `victim-${process.pid}-${Date.now()}`;
    const victim = `export const word = "${TOKEN}";\n`;

    /** Every object in the bucket outside `pipelines/` (specs, anything else a build stored), as text. */
    async function storedOutputs(): Promise<string> {
      const { ListObjectsV2Command } = await import("@aws-sdk/client-s3");
      const listed = await stack.s3Client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
      const keys = (listed.Contents ?? []).map((o) => o.Key ?? "").filter((k) => !k.startsWith("pipelines/"));
      return (await Promise.all(keys.map(specText))).join("\n");
    }

    async function failedBuild(key: string, source: string) {
      const { results } = await handler(await stack.upload(key, source));
      expect(results[0]).toMatchObject({ kind: "built", version: { ok: false } });
      const outcome = results[0] as { version: { pipeline: string; version: string } };
      const version = await stack.pipelines.getVersion(outcome.version.pipeline, outcome.version.version);
      await stack.bus.router.idle();
      const recorded = JSON.stringify([version, eventsOf(outcome.version.pipeline), results]);
      expect(recorded).not.toContain(TOKEN);
      expect(await storedOutputs()).not.toContain(TOKEN);
      return version?.diagnostics ?? [];
    }

    beforeAll(async () => {
      // Another pipeline's files, one-file and folder form: what the uploads below try to read.
      await stack.upload("pipelines/victim.ts", victim);
      await stack.upload("pipelines/victim/words.ts", victim);
    });

    it("a one-file pipeline importing a sibling (another pipeline) fails at the import", async () => {
      const diagnostics = await failedBuild(
        "pipelines/thief.ts",
        pipeline("word", `import { word } from "./victim";`),
      );
      expect(diagnostics).toEqual([
        expect.objectContaining({
          code: "build.resolve",
          message: expect.stringContaining(`import "./victim" not found in the upload`),
          file: "thief.ts",
          line: 2,
          column: expect.any(Number),
        }),
      ]);
    });

    it("a folder pipeline importing `../victim` or `../victim/words` fails: the import leaves its folder", async () => {
      for (const path of ["../victim", "../victim/words", "./../victim.ts"]) {
        const diagnostics = await failedBuild(
          "pipelines/thief2/pipeline.ts",
          pipeline("word", `import { word } from "${path}";`),
        );
        expect(diagnostics).toEqual([
          expect.objectContaining({
            code: "sandbox.import",
            message: `import "${path}" leaves the upload`,
            file: "thief2/pipeline.ts",
            line: 2,
          }),
        ]);
      }
    });

    it("encoded separators and backslashes read nothing outside the folder", async () => {
      for (const path of ["./..%2Fvictim", "./..%5Cvictim", "./..\\\\victim"]) {
        const diagnostics = await failedBuild(
          "pipelines/thief3/pipeline.ts",
          pipeline("word", `import { word } from "${path}";`),
        );
        expect(diagnostics.map((d) => d.code)).toEqual([
          expect.stringMatching(/^(build\.resolve|sandbox\.import)$/),
        ]);
        expect(diagnostics[0]).toMatchObject({ file: "thief3/pipeline.ts", line: 2 });
      }
    });
  });

  it("URL-decodes keys from S3 notifications (`+` is a space, then percent escapes)", async () => {
    const event = await stack.upload("pipelines/Bad Name+ü.ts", pipeline(`"x"`));
    // s3rver's notification is rewritten the way S3 encodes keys.
    expect(event.Records[0].s3.object.key).toBe("pipelines/Bad+Name%2B%C3%BC.ts");
    const { results } = await handler(event);
    expect(results[0]).toMatchObject({ kind: "rejected", pipeline: "Bad Name+ü" });
    await stack.bus.router.idle();
    const failed = eventsOf("Bad Name+ü");
    expect(failed.map((e) => e["detail-type"])).toEqual(["Pipeline Build Failed"]);
    expect(failed[0].detail).toMatchObject({
      sourceKey: "pipelines/Bad Name+ü.ts",
      diagnostics: [{ code: "pipeline.name" }],
    });
  });

  it("refuses an event that is not an S3 notification, naming what is wrong", async () => {
    await expect(handler({ Records: [{ eventSource: "aws:sqs" }] })).rejects.toThrow(
      /not an S3 notification: Records\.0\./,
    );
  });
});
