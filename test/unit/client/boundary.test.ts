// skiff/client ships alone: what lib/client/index.ts loads is the client itself, the ports' and events'
// contracts, and packages; nothing of the API's routes, the adapters, the engines or the embedded stack.
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

describe("skiff/client", () => {
  it("loads no server code", async () => {
    const result = await build({
      entryPoints: [`${root}lib/client/index.ts`],
      bundle: true,
      write: false,
      metafile: true,
      platform: "node",
      format: "esm",
      packages: "external",
      logLevel: "silent",
      absWorkingDir: root,
    });
    const sources = Object.keys(result.metafile.inputs);
    expect(sources).toContain("lib/client/skiff-client.ts");
    expect(sources.filter((file) => !/^lib\/(client|ports|events)\//.test(file))).toEqual([]);
    const packages = Object.values(result.metafile.outputs)
      .flatMap((output) => output.imports.map((i) => i.path))
      .filter((path) => !path.startsWith("node:"));
    expect(
      packages.filter((p) => /client-node|client-dynamodb|client-s3|client-eventbridge|isolated-vm/.test(p)),
    ).toEqual([]);
  });
});
