import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveEndpoints } from "../../../lib/client/endpoints";

const dir = mkdtempSync(join(tmpdir(), "skiff-endpoints-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("resolveEndpoints", () => {
  it("uses SKIFF_API_URL when set (signed unless it is localhost)", () => {
    expect(
      resolveEndpoints(
        { SKIFF_API_URL: "https://abc.execute-api.eu-west-1.amazonaws.com/", SKIFF_BUCKET: "b" },
        dir,
      ),
    ).toMatchObject({ apiUrl: "https://abc.execute-api.eu-west-1.amazonaws.com", bucket: "b", local: false });
    expect(resolveEndpoints({ SKIFF_API_URL: "http://127.0.0.1:3000" }, dir).local).toBe(true);
  });

  it("finds the running local stack from .skiff/stack.json above the working directory", () => {
    mkdirSync(join(dir, "project/.skiff"), { recursive: true });
    mkdirSync(join(dir, "project/examples/etl"), { recursive: true });
    writeFileSync(
      join(dir, "project/.skiff/stack.json"),
      JSON.stringify({
        api: { url: "http://127.0.0.1:3000/" },
        s3: { endpoint: "http://127.0.0.1:4569", bucket: "skiff-local-pipelines" },
        bus: { endpoint: "http://127.0.0.1:4010" },
      }),
    );
    expect(resolveEndpoints({}, join(dir, "project/examples/etl"))).toEqual({
      apiUrl: "http://127.0.0.1:3000",
      s3Endpoint: "http://127.0.0.1:4569",
      bucket: "skiff-local-pipelines",
      busUrl: "http://127.0.0.1:4010",
      region: undefined,
      local: true,
    });
  });

  it("signs with the credentials the stack's stack.json names, and with the standard chain otherwise", () => {
    mkdirSync(join(dir, "stack/.skiff"), { recursive: true });
    const credentials = { accessKeyId: "stackkey", secretAccessKey: "stacksecret" };
    writeFileSync(
      join(dir, "stack/.skiff/stack.json"),
      JSON.stringify({ apiUrl: "http://127.0.0.1:7700", region: "eu-west-1", credentials }),
    );
    expect(resolveEndpoints({}, join(dir, "stack"))).toMatchObject({ region: "eu-west-1", credentials });
    expect(resolveEndpoints({ SKIFF_API_URL: "http://127.0.0.1:7700" }, dir).credentials).toBeUndefined();
  });

  it("says how to start a stack when none is found", () => {
    const empty = mkdtempSync(join(tmpdir(), "skiff-nostack-"));
    try {
      expect(() => resolveEndpoints({}, empty)).toThrow(/npx skiff start.*--context/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
