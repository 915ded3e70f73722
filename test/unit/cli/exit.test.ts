import { describe, expect, it } from "vitest";
import { parseKeyValues, UsageError } from "../../../lib/cli/exit";

describe("parseKeyValues", () => {
  it("splits on the first equals sign", () => {
    expect(parseKeyValues(["a=1", "b=x=y", "c="], "-p")).toEqual({ a: "1", b: "x=y", c: "" });
  });
  it("names the flag and the bad value", () => {
    expect(() => parseKeyValues(["novalue"], "--param")).toThrow(UsageError);
    expect(() => parseKeyValues(["=x"], "--param")).toThrow(/--param expects key=value, got "=x"/);
  });
});
