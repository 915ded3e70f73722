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
  it("walks forwards with the API's cursors and back with the ones it remembered", () => {
    let state = pager.firstPage();
    expect(pager.currentCursor(state)).toBeUndefined();
    expect(pager.hasPrevious(state)).toBe(false);
    expect(pager.hasNext(state)).toBe(false);
    state = pager.loaded(state, "c1");
    expect(pager.hasNext(state)).toBe(true);
    state = pager.next(state);
    expect(pager.currentCursor(state)).toBe("c1");
    expect(pager.pageNumber(state)).toBe(2);
    expect(pager.hasNext(state)).toBe(false); // not loaded yet
    state = pager.next(pager.loaded(state, "c2"));
    expect(pager.currentCursor(state)).toBe("c2");
    state = pager.loaded(state, undefined); // the last page
    expect(pager.hasNext(state)).toBe(false);
    expect(pager.next(state)).toBe(state);
    state = pager.previous(state);
    expect(pager.currentCursor(state)).toBe("c1");
    state = pager.previous(pager.previous(state));
    expect(pager.currentCursor(state)).toBeUndefined();
    expect(pager.pageNumber(state)).toBe(1);
  });
});
