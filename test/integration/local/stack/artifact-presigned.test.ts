// The artifact route as deployed on AWS (SKIFF_ARTIFACT_DOWNLOAD=presigned), on the embedded stack: GET
// …/artifacts/{name} answers a short-lived presigned S3 URL rather than the bytes, and `skiff artifacts get`
// fetches that URL and unpacks Argo's tar+gzip archive of a single file into the file -o names (--raw keeps the
// archive). The local engine stores a file unarchived, so the object is replaced by the archive Argo's executor
// would have stored under the same key.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "../../../../lib/local/stack";
import { type StackHarness, startStackHarness } from "../../../support/stack-harness";
import { tempDir } from "../../../support/temp-dir";

const SOURCE = `import { artifact, container, workflow } from "skiff";
const produce = container({
  name: "produce",
  image: "alpine",
  command: ["sh", "-c", "echo 'a,b' > /tmp/table.csv"],
  outputs: { table: artifact({ path: "/tmp/table.csv" }) },
});
export default workflow({ generateName: "table-", entrypoint: produce });
`;

/** A single file archived as Argo's executor archives it by default: tar+gzip, the file under its own name. */
async function argoArchive(name: string, text: string): Promise<Buffer> {
  const tar = pack();
  tar.entry({ name }, text);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

let harness: StackHarness;
let stack: Stack;
const temp = tempDir("artifact-presigned");
const saved = process.env.SKIFF_ARTIFACT_DOWNLOAD;

beforeAll(async () => {
  process.env.SKIFF_ARTIFACT_DOWNLOAD = "presigned";
  harness = await startStackHarness();
  ({ stack } = harness);
}, 180_000);
afterAll(async () => {
  await harness?.stop();
  if (saved === undefined) delete process.env.SKIFF_ARTIFACT_DOWNLOAD;
  else process.env.SKIFF_ARTIFACT_DOWNLOAD = saved;
  temp.remove();
});

describe("artifact downloads through a presigned URL", () => {
  it("answers a presigned URL, which skiff artifacts get fetches and unpacks", async () => {
    await harness.put("pipelines/table.ts", SOURCE);
    const built = await harness.nextEvent(
      (e) => e["detail-type"].startsWith("Pipeline Build") && e.detail.pipeline === "table",
    );
    expect(built["detail-type"]).toBe("Pipeline Build Succeeded");
    const created = await fetch(`${stack.apiUrl}/pipelines/table/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(created.status).toBe(201);
    const { runId } = (await created.json()) as { runId: string };
    const completed = await harness.nextEvent(
      (e) => e["detail-type"] === "Pipeline Run Completed" && e.detail.runId === runId,
    );
    expect(completed.detail.status).toBe("Succeeded");

    const run = (await (await fetch(`${stack.apiUrl}/runs/${runId}`)).json()) as {
      steps: Array<{ stepId: string; outputArtifacts?: Array<{ name: string; key?: string }> }>;
    };
    const step = run.steps.find((s) => s.outputArtifacts?.some((a) => a.name === "table"));
    const key = step?.outputArtifacts?.find((a) => a.name === "table")?.key ?? "";
    expect(key).toMatch(new RegExp(`^artifacts/${runId}/`));
    const archive = await argoArchive("table.csv", "a,b\n");
    await harness.put(key, archive);

    const answer = await fetch(`${stack.apiUrl}/runs/${runId}/steps/${step?.stepId}/artifacts/table`);
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { key: string; url: string; expiresAt: string; size: number };
    expect(body).toMatchObject({ key, size: archive.length });
    expect(new URL(body.url).searchParams.get("X-Amz-Expires")).toBe("300");
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());

    const out = join(temp.path, "downloads");
    mkdirSync(out, { recursive: true });
    const got = await harness.skiff(
      "artifacts",
      "get",
      runId,
      step?.stepId ?? "",
      "table",
      "-o",
      join(out, "t.csv"),
    );
    expect(got.code, got.stderr).toBe(0);
    expect(readFileSync(join(out, "t.csv"), "utf8")).toBe("a,b\n");
    const raw = await harness.skiff(
      "artifacts",
      "get",
      runId,
      step?.stepId ?? "",
      "table",
      "--raw",
      "-o",
      join(out, "t.tgz"),
    );
    expect(raw.code, raw.stderr).toBe(0);
    expect(readFileSync(join(out, "t.tgz")).equals(archive)).toBe(true);
  }, 180_000);
});
