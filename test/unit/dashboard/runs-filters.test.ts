import { describe, expect, it } from "vitest";
import {
  countsPath,
  filtersFromQuery,
  filtersToQuery,
  formatParamFilter,
  parseParamFilter,
  runsPath,
  sameFilters,
} from "../../../lib/dashboard/runs/filters";
import * as pager from "../../../lib/dashboard/runs/pager";

describe("Runs view filters", () => {
  it("reads pipeline, status and one parameter from the view's query", () => {
    const query = new URLSearchParams("pipeline=etl&status=Failed&param.rows=50&param.other=x");
    expect(filtersFromQuery(query)).toEqual({
      pipeline: "etl",
      status: "Failed",
      param: { name: "rows", value: "50" },
    });
  });

  it("drops empty values and an unknown status instead of sending them to the API", () => {
    expect(filtersFromQuery(new URLSearchParams("pipeline=&status=Bogus&param.="))).toEqual({});
  });

  it("writes the filters back in a stable order, encoded", () => {
    const query = filtersToQuery({
      param: { name: "region", value: "eu west&1" },
      status: "Running",
      pipeline: "etl",
    });
    expect(query.toString()).toBe("pipeline=etl&status=Running&param.region=eu+west%261");
    expect(filtersFromQuery(query)).toEqual({
      pipeline: "etl",
      status: "Running",
      param: { name: "region", value: "eu west&1" },
    });
  });

  it("builds GET /runs with the page size and cursor, and GET /runs/counts without the status", () => {
    const filters = { pipeline: "etl", status: "Failed" as const, param: { name: "rows", value: "5" } };
    expect(runsPath(filters, { limit: 50 })).toBe("/runs?pipeline=etl&status=Failed&param.rows=5&limit=50");
    expect(runsPath({}, { limit: 20, cursor: "abc/=" })).toBe("/runs?limit=20&cursor=abc%2F%3D");
    expect(countsPath(filters)).toBe("/runs/counts?pipeline=etl&param.rows=5");
    expect(countsPath({}, "2026-12-01T00:00:00.000Z")).toBe(
      "/runs/counts?since=2026-12-01T00%3A00%3A00.000Z",
    );
    expect(countsPath({ status: "Running" })).toBe("/runs/counts");
  });

  it("tells whether two filter sets are the same", () => {
    expect(sameFilters({ pipeline: "a" }, { pipeline: "a" })).toBe(true);
    expect(sameFilters({ pipeline: "a" }, { pipeline: "a", status: "Failed" })).toBe(false);
  });

  it("parses the parameter box as name=value, the value keeping any further '='", () => {
    expect(parseParamFilter("  ")).toEqual({ ok: true });
    expect(parseParamFilter("rows=50")).toEqual({ ok: true, param: { name: "rows", value: "50" } });
    expect(parseParamFilter("expr=a=b")).toEqual({ ok: true, param: { name: "expr", value: "a=b" } });
    expect(parseParamFilter("=5")).toEqual({ ok: false, error: "write the parameter as name=value" });
    expect(parseParamFilter("rows")).toMatchObject({ ok: false });
    expect(formatParamFilter({ name: "expr", value: "a=b" })).toBe("expr=a=b");
    expect(formatParamFilter(undefined)).toBe("");
  });
});

describe("Runs view paging", () => {
  const q = (text: string) => new URLSearchParams(text);

  it("reads the page from the URL: none is the first, a cursor without a usable number the second", () => {
    expect(pager.positionFromQuery(q("pipeline=etl"))).toEqual({ page: 1 });
    expect(pager.positionFromQuery(q("page=3"))).toEqual({ page: 1 });
    expect(pager.positionFromQuery(q("page=3&cursor=c2"))).toEqual({ page: 3, cursor: "c2" });
    expect(pager.positionFromQuery(q("page=x&cursor=c2"))).toEqual({ page: 2, cursor: "c2" });
    expect(pager.positionFromQuery(q("page=1&cursor=c2"))).toEqual({ page: 2, cursor: "c2" });
    expect(pager.positionToQuery({ page: 1 })).toEqual({});
    expect(pager.positionToQuery({ page: 3, cursor: "c2" })).toEqual({ page: "3", cursor: "c2" });
  });

  it("walks forwards with the API's cursors and back with the ones it remembered", () => {
    const first = pager.FIRST_PAGE;
    expect(pager.previousPosition(undefined, first)).toBeUndefined();
    let trail = pager.advance(undefined, first, "c1");
    const second = pager.nextPosition(first, "c1");
    expect(second).toEqual({ page: 2, cursor: "c1" });
    trail = pager.advance(trail, second, "c2");
    const third = pager.nextPosition(second, "c2");
    expect(pager.previousPosition(trail, third)).toEqual(second);
    expect(pager.previousPosition(trail, second)).toEqual(first);
    // Another walk from page 2 with the same cursor keeps what leads there and forgets what followed.
    trail = pager.advance(trail, second, "c2b");
    expect(pager.previousPosition(trail, { page: 3, cursor: "c2" })).toEqual(first);
    expect(pager.previousPosition(trail, { page: 3, cursor: "c2b" })).toEqual(second);
  });

  it("goes from a page opened by a link, with nothing known before it, to the newest page", () => {
    const linked = { page: 5, cursor: "c4" };
    expect(pager.previousPosition(undefined, linked)).toEqual(pager.FIRST_PAGE);
    const trail = pager.advance(undefined, linked, "c5");
    expect(pager.previousPosition(trail, pager.nextPosition(linked, "c5"))).toEqual(linked);
    expect(pager.previousPosition(trail, linked)).toEqual(pager.FIRST_PAGE);
  });
});
