import { describe, expect, it } from "vitest";
import { pipelineLink, runLink, runsLink, stepLink } from "../../../lib/dashboard/links";
import { matchPath, parseHash } from "../../../lib/dashboard/router";

describe("the hash router", () => {
  it("parses a hash into a path and a query", () => {
    const location = parseHash("#/runs?pipeline=etl&status=Failed&param.x=y");
    expect(location.path).toBe("/runs");
    expect(Object.fromEntries(location.query)).toEqual({ pipeline: "etl", status: "Failed", "param.x": "y" });
    expect(parseHash("").path).toBe("/");
    expect(parseHash("#").path).toBe("/");
    expect(parseHash("#pipelines").path).toBe("/pipelines");
  });

  it("matches patterns with decoded params, and nothing else", () => {
    expect(matchPath("/pipelines/:name/:version", "/pipelines/etl/v3")).toEqual({
      name: "etl",
      version: "v3",
    });
    expect(matchPath("/runs/:runId/steps/:stepId", "/runs/r1/steps/a%2Fb%20c")).toEqual({
      runId: "r1",
      stepId: "a/b c",
    });
    expect(matchPath("/pipelines/:name", "/pipelines/etl/v3")).toBeUndefined();
    expect(matchPath("/pipelines/:name", "/runs/etl")).toBeUndefined();
    expect(matchPath("/pipelines/:name", "/pipelines/%E0%A4%A")).toBeUndefined();
  });

  it("makes links whose segments survive the round trip", () => {
    expect(pipelineLink("etl")).toBe("#/pipelines/etl");
    expect(pipelineLink("etl", "v2")).toBe("#/pipelines/etl/v2");
    expect(runsLink({ pipeline: "etl", status: undefined, "param.rows": "5" })).toBe(
      "#/runs?pipeline=etl&param.rows=5",
    );
    const step = stepLink("run 1", "wf.a/b");
    expect(matchPath("/runs/:runId/steps/:stepId", parseHash(step).path)).toEqual({
      runId: "run 1",
      stepId: "wf.a/b",
    });
    expect(runLink("r-1")).toBe("#/runs/r-1");
  });
});
