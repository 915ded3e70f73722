import { describe, expect, it } from "vitest";
import { contentHash } from "../../../lib/pipelines/content-hash";
import { decodeS3EventKey, pipelineNameProblem, uploadEntry } from "../../../lib/pipelines/names";

describe("upload keys", () => {
  it("finds the pipeline an uploaded entry belongs to", () => {
    expect(uploadEntry("pipelines/etl.ts")).toEqual({ pipeline: "etl", entry: "etl.ts" });
    expect(uploadEntry("pipelines/etl/pipeline.ts")).toEqual({
      pipeline: "etl",
      entry: "etl/pipeline.ts",
      folder: "etl/",
    });
    expect(uploadEntry("pipelines/etl/steps.ts")).toBeUndefined();
    expect(uploadEntry("pipelines/etl/lib/x/pipeline.ts")).toBeUndefined();
    expect(uploadEntry("pipelines/types.d.ts")).toBeUndefined();
    expect(uploadEntry("specs/etl/v1.yaml")).toBeUndefined();
  });

  it("decodes keys as S3 encodes them in notifications", () => {
    expect(decodeS3EventKey("pipelines/my+etl.ts")).toBe("pipelines/my etl.ts");
    expect(decodeS3EventKey("pipelines/a%2Bb.ts")).toBe("pipelines/a+b.ts");
    expect(decodeS3EventKey("pipelines/gr%C3%BC%C3%9Fe.ts")).toBe("pipelines/grüße.ts");
    // A raw key with a lone % (never produced by S3's encoding) is kept as delivered.
    expect(decodeS3EventKey("pipelines/100%.ts")).toBe("pipelines/100%.ts");
  });

  it("explains why a pipeline name is refused", () => {
    expect(pipelineNameProblem("etl-daily")).toBeUndefined();
    expect(pipelineNameProblem("")).toMatch(/empty/);
    expect(pipelineNameProblem("ETL")).toMatch(/lowercase/);
    expect(pipelineNameProblem("-etl")).toMatch(/starting and ending/);
    expect(pipelineNameProblem("a".repeat(64))).toMatch(/longer than 63/);
  });
});

describe("contentHash", () => {
  it("depends on every file's path and text, not on the order given", () => {
    const a = contentHash({ "etl.ts": "x", "shared/s.ts": "y" });
    expect(contentHash({ "shared/s.ts": "y", "etl.ts": "x" })).toBe(a);
    expect(contentHash({ "etl.ts": "x", "shared/s.ts": "z" })).not.toBe(a);
    expect(contentHash({ "etl2.ts": "x", "shared/s.ts": "y" })).not.toBe(a);
    // Path/content boundaries are unambiguous.
    expect(contentHash({ ab: "c" })).not.toBe(contentHash({ a: "bc" }));
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
