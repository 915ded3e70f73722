// Build parameters of a pushed pipeline (the entry object's S3 metadata, as `skiff push -p` writes it) reach the
// pipeline's function and are recorded on its version; and the deployment's namespace rule, reported at
// file:line:col by the build.
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler } from "../../../functions/build";
import { resetConfig } from "../../../lib/config";
import { BUILD_PARAMETERS_METADATA, encodeBuildParameters } from "../../../lib/pipelines/build-parameters";
import { contentHash } from "../../../lib/pipelines/content-hash";
import { BUCKET, type Stack, startStack } from "./harness";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  process.env.SKIFF_NAMESPACES = "team-a";
  resetConfig();
});
afterAll(async () => {
  await stack?.stop();
});

async function build(name: string, source: string, parameters?: Record<string, string>) {
  const encoded = parameters ? encodeBuildParameters(parameters) : undefined;
  const metadata = encoded ? { [BUILD_PARAMETERS_METADATA]: encoded } : undefined;
  const { results } = await handler(await stack.upload(`pipelines/${name}.ts`, source, metadata));
  return results[0];
}

async function spec(name: string, version: string): Promise<string> {
  const out = await stack.s3Client.send(
    new GetObjectCommand({ Bucket: BUCKET, Key: `specs/${name}/${version}.yaml` }),
  );
  return (await out.Body?.transformToString()) ?? "";
}

const PARAMETRIZED = `import { container, workflow } from "skiff";
export default (params: Record<string, string>) =>
  workflow({
    generateName: "greet-",
    entrypoint: container({ name: "main", image: "alpine:3.20", command: ["echo", params.stage ?? "none"] }),
  });
`;

describe("build parameters of a pushed pipeline", () => {
  it("pass the upload's parameters to the pipeline's function and record them on the version", async () => {
    await build("greet", PARAMETRIZED, { stage: "prod ü" });
    const v1 = await stack.pipelines.getVersion("greet", "v1");
    expect(v1).toMatchObject({ ok: true, buildParameters: { stage: "prod ü" } });
    expect(v1?.contentHash).toBe(contentHash({ "greet.ts": PARAMETRIZED }, { stage: "prod ü" }));
    expect(await spec("greet", "v1")).toContain("prod ü");

    // The same source with other parameters is other content: a new version.
    await build("greet", PARAMETRIZED, { stage: "dev" });
    expect(await stack.pipelines.getVersion("greet", "v2")).toMatchObject({
      buildParameters: { stage: "dev" },
    });
    expect(await spec("greet", "v2")).toMatch(/- dev/);
    // None: no parameters recorded, and the hash a push without parameters always had.
    await build("greet", PARAMETRIZED);
    const v3 = await stack.pipelines.getVersion("greet", "v3");
    expect(v3?.buildParameters).toBeUndefined();
    expect(v3?.contentHash).toBe(contentHash({ "greet.ts": PARAMETRIZED }));
  });

  it("fails the build, naming the metadata, when the parameters cannot be read", async () => {
    const { results } = await handler(
      await stack.upload("pipelines/broken.ts", PARAMETRIZED, { [BUILD_PARAMETERS_METADATA]: "%7Bnot-json" }),
    );
    expect(results[0]).toMatchObject({ kind: "built", version: { ok: false } });
    const version = await stack.pipelines.getVersion("broken", "v1");
    expect(version?.diagnostics).toEqual([
      expect.objectContaining({ code: "build.parameters", file: "pipelines/broken.ts" }),
    ]);
  });
});

describe("the namespace rule", () => {
  const named = (namespace: string) => `import { container, workflow } from "skiff";
const main = container({ name: "main", image: "alpine:3.20" });
export default workflow({
  generateName: "ns-",
  namespace: "${namespace}",
  entrypoint: main,
});
`;

  it("accepts the deployment's namespace and those SKIFF_NAMESPACES allows", async () => {
    expect(await build("ns-ok", named("team-a"))).toMatchObject({ version: { ok: true } });
    expect(await build("ns-default", named("default"))).toMatchObject({ version: { ok: true } });
  });

  it("refuses another namespace at the code that named it", async () => {
    const source = named("kube-system");
    await build("ns-bad", source);
    const version = await stack.pipelines.getVersion("ns-bad", "v1");
    expect(version?.ok).toBe(false);
    expect(version?.diagnostics).toEqual([
      {
        severity: "error",
        code: "namespace.not-allowed",
        message:
          'namespace "kube-system" is not allowed: this deployment runs workflows in default, team-a (SKIFF_NAMESPACES); leave metadata.namespace out to run in default',
        path: "metadata.namespace",
        file: "ns-bad.ts",
        line: expect.any(Number),
        column: expect.any(Number),
      },
    ]);
    const line = version?.diagnostics[0]?.line ?? 0;
    expect(source.split("\n")[line - 1]).toMatch(/workflow\(|namespace:/);
  });
});
