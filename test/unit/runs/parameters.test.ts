import { describe, expect, it } from "vitest";
import { declaredParameters, validateParameters } from "../../../lib/runs/parameters";
import { workflow } from "./workflow-fixtures";

const declared = [
  { name: "date" },
  { name: "region", default: "eu", enum: ["eu", "us"] },
  { name: "mode", default: "full" },
];

describe("validateParameters", () => {
  it("accepts valid values, stringifies scalars and fills defaults into the effective set", () => {
    const result = validateParameters(declared, { date: "2026-01-01", region: "us", mode: 3 });
    expect(result).toEqual({
      ok: true,
      supplied: { date: "2026-01-01", region: "us", mode: "3" },
      effective: { date: "2026-01-01", region: "us", mode: "3" },
    });
    expect(validateParameters(declared, { date: true })).toEqual({
      ok: true,
      supplied: { date: "true" },
      effective: { date: "true", region: "eu", mode: "full" },
    });
  });

  it("lists every unknown, missing and out-of-enum parameter with its field", () => {
    const result = validateParameters(declared, { region: "mars", colour: "red", size: "xl" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => [i.field, i.code])).toEqual([
      ["parameters.region", "not-in-enum"],
      ["parameters.colour", "unknown"],
      ["parameters.size", "unknown"],
      ["parameters.date", "missing"],
    ]);
    expect(result.issues[0].message).toBe('"region" must be one of "eu", "us", got "mars"');
    expect(result.issues[1].message).toContain("declared: date, region, mode");
  });

  it("refuses a NUL, other control characters and lone surrogates in a value, naming the parameter", () => {
    const result = validateParameters(
      [{ name: "a" }, { name: "b" }, { name: "c" }, { name: "d" }, { name: "e" }],
      { a: "x\u0000y", b: "\u001b]0;title\u0007", c: "\u009b31m", d: "\ud800", e: "tab\tline\r\nok 😀" },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => [i.field, i.code, i.message])).toEqual([
      ["parameters.a", "unsafe-character", '"a" contains NUL (U+0000) at character 1'],
      ["parameters.b", "unsafe-character", '"b" contains a control character (U+001B) at character 0'],
      ["parameters.c", "unsafe-character", '"c" contains a control character (U+009B) at character 0'],
      ["parameters.d", "unsafe-character", '"d" contains a lone surrogate (U+D800) at character 0'],
    ]);
  });

  it("refuses non-scalar values, bad names, too many and too large values", () => {
    const result = validateParameters(
      [{ name: "a" }, { name: "b" }, { name: "c", default: "" }],
      { a: { nested: 1 }, b: "x".repeat(11), "bad name": "1" },
      { maxValueBytes: 10, maxParameters: 2 },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => [i.field, i.code])).toEqual([
      ["parameters", "too-many"],
      ["parameters.a", "type"],
      ["parameters.b", "too-large"],
      ["parameters.bad name", "bad-name"],
    ]);
    const total = validateParameters(
      [{ name: "a" }, { name: "b" }],
      { a: "12345", b: "12345" },
      { maxTotalBytes: 9 },
    );
    expect(total.ok === false && total.issues.map((i) => i.code)).toEqual(["too-large"]);
    const notObject = validateParameters(declared, ["date"]);
    expect(notObject.ok === false && notObject.issues[0]).toMatchObject({
      field: "parameters",
      code: "type",
    });
  });
});

describe("declaredParameters", () => {
  it("reads spec.arguments.parameters: a value is a default; valueFrom makes a parameter optional", () => {
    const wf = workflow("wf", {});
    wf.spec.arguments = {
      parameters: [
        { name: "date" },
        { name: "region", value: "eu", enum: ["eu", "us"] },
        { name: "cm", valueFrom: { configMapKeyRef: { name: "c", key: "k" } } },
      ],
    };
    expect(declaredParameters(wf)).toEqual([
      { name: "date", default: undefined, enum: undefined, required: true },
      { name: "region", default: "eu", enum: ["eu", "us"], required: false },
      { name: "cm", default: undefined, enum: undefined, required: false },
    ]);
    const result = validateParameters(declaredParameters(wf), {});
    expect(result.ok === false && result.issues.map((i) => i.field)).toEqual(["parameters.date"]);
  });
});
