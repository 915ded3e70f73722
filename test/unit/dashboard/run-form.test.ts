import { describe, expect, it } from "vitest";
import { requestParameters, splitDetails } from "../../../lib/dashboard/views/run-form";

describe("the run form's request", () => {
  const declared = [
    { name: "rows", default: "200" },
    { name: "owner" },
    { name: "region", default: "eu", enum: ["eu", "us"] },
  ];

  it("sends defaults and typed values, and leaves out an empty field that has no default", () => {
    expect(requestParameters(declared, {})).toEqual({ rows: "200", region: "eu" });
    expect(requestParameters(declared, { rows: "5", owner: "ops", region: "us" })).toEqual({
      rows: "5",
      owner: "ops",
      region: "us",
    });
    // A default cleared on purpose is sent empty: the API decides whether that is allowed.
    expect(requestParameters(declared, { rows: "" })).toEqual({ rows: "", region: "eu" });
  });

  it("puts the API's parameter errors by field and keeps the others for the form", () => {
    const { byField, other } = splitDetails([
      { field: "parameters.owner", message: "missing", code: "missing" },
      { field: "parameters.owner", message: "second", code: "x" },
      { field: "version", message: "no such version" },
    ]);
    expect(Object.fromEntries(byField)).toEqual({ owner: ["missing", "second"] });
    expect(other).toEqual([{ field: "version", message: "no such version" }]);
  });
});
