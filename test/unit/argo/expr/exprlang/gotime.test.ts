import { describe, expect, it } from "vitest";
import { formatGoTime, parseGoTime, zeroTime } from "../../../../../lib/argo/expr/exprlang/gotime";

const t = new Date(Date.UTC(2024, 2, 5, 17, 8, 9, 120));

describe("formatGoTime", () => {
  it.each([
    ["2006-01-02T15:04:05Z07:00", "2024-03-05T17:08:09Z"],
    ["2006-01-02 15:04:05.000", "2024-03-05 17:08:09.120"],
    ["15:04:05.999999", "17:08:09.12"],
    ["Jan _2 06", "Mar  5 24"],
    ["January 2, 2006", "March 5, 2024"],
    ["Mon Monday", "Tue Tuesday"],
    ["3:04PM", "5:08PM"],
    ["03:04 pm", "05:08 pm"],
    ["002 __2", "065  65"],
    ["-0700 -07:00 Z07:00 MST", "+0000 +00:00 Z UTC"],
    ["2006", "2024"],
    ["T literal Z", "T literal Z"],
  ])("%s → %s", (layout, expected) => {
    expect(formatGoTime(t, layout, true)).toBe(expected);
  });
});

describe("parseGoTime", () => {
  it("parses RFC 3339 with and without fractions and offsets", () => {
    expect(parseGoTime("2024-03-05T17:08:09Z", "2006-01-02T15:04:05Z07:00").toISOString()).toBe(
      "2024-03-05T17:08:09.000Z",
    );
    expect(parseGoTime("2024-03-05T17:08:09.5+01:00", "2006-01-02T15:04:05Z07:00").toISOString()).toBe(
      "2024-03-05T16:08:09.500Z",
    );
  });
  it("parses month names, 12-hour clocks and two-digit years", () => {
    expect(parseGoTime("05 Mar 24 05:08 PM", "02 Jan 06 03:04 PM").toISOString()).toBe(
      "2024-03-05T17:08:00.000Z",
    );
    expect(parseGoTime("March 5, 2024", "January 2, 2006").toISOString()).toBe("2024-03-05T00:00:00.000Z");
  });
  it("reports a mismatch naming the text and layout", () => {
    expect(() => parseGoTime("2024/03/05", "2006-01-02")).toThrow(
      'parsing time "2024/03/05" as "2006-01-02"',
    );
    expect(() => parseGoTime("2024-13-05", "2006-01-02")).toThrow(/out of range/);
  });
  it("round-trips what it formats", () => {
    const layout = "Mon, 02 Jan 2006 15:04:05 -0700";
    expect(parseGoTime(formatGoTime(t, layout, true), layout).getTime()).toBe(Date.UTC(2024, 2, 5, 17, 8, 9));
  });
  it("zeroTime is Go's zero time", () => {
    expect(new Date(zeroTime).toISOString()).toBe("0001-01-01T00:00:00.000Z");
  });
});
