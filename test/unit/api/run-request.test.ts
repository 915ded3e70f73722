import { describe, expect, it } from "vitest";
import { ApiError } from "../../../lib/api/errors";
import { idempotencyKeyHeader, parseRunRequest, resolveParameters } from "../../../lib/api/run-request";
import { defaultLimits } from "../../../lib/config";

const catchApi = (f: () => unknown): ApiError => {
  try {
    f();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("did not throw");
};

describe("parseRunRequest", () => {
  it("accepts the documented fields", () => {
    expect(
      parseRunRequest({ parameters: { a: "1" }, version: "v3", profile: "gpu", overrides: { env: {} } }),
    ).toEqual({
      parameters: { a: "1" },
      version: "v3",
      profile: "gpu",
      overrides: { env: {} },
    });
    expect(parseRunRequest({ version: "latest" }).version).toBe("latest");
  });

  it("lists unknown fields and malformed values with their paths", () => {
    const error = catchApi(() => parseRunRequest({ version: "3", profile: "", extra: true }));
    expect(error.status).toBe(400);
    const fields = error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(["version", "profile"]));
    expect(error.details.some((d) => d.code === "unrecognized_keys")).toBe(true);
    expect(catchApi(() => parseRunRequest([1, 2])).status).toBe(400);
  });
});

describe("idempotencyKeyHeader", () => {
  it("accepts 1-128 visible ASCII characters and refuses anything else", () => {
    expect(idempotencyKeyHeader({})).toBeUndefined();
    expect(idempotencyKeyHeader({ "idempotency-key": "order-42/attempt:1" })).toBe("order-42/attempt:1");
    for (const bad of ["", "with space", "x".repeat(129), "ünï"]) {
      expect(catchApi(() => idempotencyKeyHeader({ "idempotency-key": bad })).details[0].field).toBe(
        "header.Idempotency-Key",
      );
    }
  });
});

describe("resolveParameters", () => {
  const declared = [{ name: "date" }, { name: "mode", default: "fast", enum: ["fast", "slow"] }];
  it("fills defaults into the effective values and keeps supplied ones apart", () => {
    expect(resolveParameters(declared, { date: "2026-01-01", mode: "slow" }, defaultLimits)).toEqual({
      supplied: { date: "2026-01-01", mode: "slow" },
      effective: { date: "2026-01-01", mode: "slow" },
    });
    expect(resolveParameters(declared, { date: 20260101 }, defaultLimits)).toEqual({
      supplied: { date: "20260101" },
      effective: { date: "20260101", mode: "fast" },
    });
  });

  it("lists each problem and bounds count and size", () => {
    const error = catchApi(() => resolveParameters(declared, { mode: "medium", x: "1" }, defaultLimits));
    expect(error.message).toBe("3 parameter problems");
    expect(error.details.map((d) => [d.field, d.code])).toEqual(
      expect.arrayContaining([
        ["parameters.x", "unknown"],
        ["parameters.date", "missing"],
        ["parameters.mode", "not-in-enum"],
      ]),
    );
    const tooBig = catchApi(() =>
      resolveParameters(declared, { date: "x".repeat(11) }, { maxParameters: 1, maxParameterValueBytes: 10 }),
    );
    expect(tooBig.details[0]).toMatchObject({ field: "parameters.date", code: "too-large" });
  });
});
