import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalEngine, S3ArtifactStore } from "../../../../lib/engine/local";
import { LOCAL_CREDENTIALS, type LocalS3, startS3 } from "../../../support/servers";
import { nodeByDisplayName, refOf, removeScratchDirs, scratchDir, sh, workflow } from "./helpers";

let s3: LocalS3;
let store: S3ArtifactStore;
const dir = await scratchDir("s3");

beforeAll(async () => {
  s3 = await startS3({ buckets: ["artifacts"] });
  store = new S3ArtifactStore({ bucket: "artifacts", endpoint: s3.endpoint, credentials: LOCAL_CREDENTIALS });
});

afterAll(async () => {
  await removeScratchDirs();
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("S3ArtifactStore on s3rver", () => {
  it("puts, gets and lists objects; a missing key is undefined", async () => {
    await store.put("a/one.txt", "1");
    await store.put("a/two.txt", new Uint8Array([50]));
    expect(Buffer.from((await store.get("a/one.txt")) ?? []).toString()).toBe("1");
    expect(await store.get("a/none.txt")).toBeUndefined();
    expect(await store.list("a/")).toEqual(["a/one.txt", "a/two.txt"]);
  });

  it("reports an unreachable store with the location", async () => {
    const nowhere = new S3ArtifactStore({
      bucket: "x",
      endpoint: "http://127.0.0.1:9",
      credentials: LOCAL_CREDENTIALS,
    });
    await expect(nowhere.put("k", "v")).rejects.toThrow("cannot write k to s3://x/");
  });

  it("is the engine's artifact repository and log store", async () => {
    const engine = new LocalEngine({ workDir: join(dir, "work"), artifacts: store });
    const wf = workflow("s3", [
      {
        name: "main",
        steps: [
          [{ name: "make", template: "make" }],
          [
            {
              name: "use",
              template: "use",
              arguments: { artifacts: [{ name: "in", from: "{{steps.make.outputs.artifacts.out}}" }] },
            },
          ],
        ],
      },
      {
        ...sh("make", "echo payload > /tmp/out.txt; echo made"),
        outputs: { artifacts: [{ name: "out", path: "/tmp/out.txt" }] },
      },
      { ...sh("use", "cat /data/in.txt"), inputs: { artifacts: [{ name: "in", path: "/data/in.txt" }] } },
    ]);
    const submitted = await engine.submit(wf, { runId: "run-s3" });
    const done = await engine.wait(refOf(submitted));
    expect(done.status?.phase).toBe("Succeeded");
    const make = nodeByDisplayName(done, "make");
    const key = make.outputs?.artifacts?.[0]?.s3?.key ?? "";
    expect(Buffer.from((await store.get(key)) ?? []).toString()).toBe("payload\n");
    const use = nodeByDisplayName(done, "use");
    const log = Buffer.from((await store.get(`logs/run-s3/${use.id}.log`)) ?? []).toString();
    expect(log).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z stdout payload\n$/);
    expect(await store.list("logs/run-s3/")).toEqual(
      [`logs/run-s3/${make.id}.log`, `logs/run-s3/${use.id}.log`].sort(),
    );
    await engine.close();
  });
});
