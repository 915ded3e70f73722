import { describe, expect, it } from "vitest";
import { expandKeys, exprEnvFor, exprEnvOf, MapScope } from "../../../../lib/argo/expr";

describe("MapScope", () => {
  it("gets values and lists keys", () => {
    const scope = new MapScope({ a: "1", "b.c": "2" });
    expect(scope.get("a")).toBe("1");
    expect(scope.get("missing")).toBeUndefined();
    expect([...scope.keys()].sort()).toEqual(["a", "b.c"]);
  });
  it("with() returns a new scope and leaves the original unchanged", () => {
    const base = new MapScope({ a: "1" });
    const extended = base.with({ a: "2", item: "x" });
    expect(extended.get("a")).toBe("2");
    expect(extended.get("item")).toBe("x");
    expect(base.get("a")).toBe("1");
    expect(base.get("item")).toBeUndefined();
  });
  it("does not see properties of Object.prototype", () => {
    expect(new MapScope({}).get("toString")).toBeUndefined();
  });
});

describe("expression env", () => {
  it("nests dotted keys", () => {
    expect(expandKeys({ "steps.a.outputs.result": "r", "steps.a.status": "Succeeded", item: "x" })).toEqual({
      steps: { a: { outputs: { result: "r" }, status: "Succeeded" } },
      item: "x",
    });
  });
  it("drops a key that is a prefix of a longer key, as Argo's removeConflicts does", () => {
    const env = expandKeys({
      "inputs.parameters": '[{"name":"x","value":"1"}]',
      "inputs.parameters.x": "1",
    });
    expect(env).toEqual({ inputs: { parameters: { x: "1" } } });
  });
  it("adds Argo's functions and sprig", () => {
    const env = exprEnvOf(new MapScope({ a: "1" }));
    expect(typeof env.asInt).toBe("function");
    expect(typeof env.asFloat).toBe("function");
    expect(typeof env.jsonpath).toBe("function");
    expect(typeof env.toJson).toBe("function");
    expect(typeof (env.sprig as Record<string, unknown>).add).toBe("function");
  });
});

describe("hostile keys", () => {
  it("a parameter named __proto__ is an ordinary entry, not a prototype", () => {
    const env = expandKeys({ "inputs.parameters.__proto__": "x", "inputs.parameters.a": "1" });
    const parameters = (env.inputs as Record<string, Record<string, unknown>>).parameters;
    expect(Object.hasOwn(parameters, "__proto__")).toBe(true);
    expect(parameters.a).toBe("1");
    expect(Object.getPrototypeOf(parameters)).toBe(Object.prototype);
  });
});

describe("exprEnvFor", () => {
  it("holds the same values as the full env for the requested top-level names only", () => {
    const scope = new MapScope({ "steps.a.outputs.result": "r", "inputs.parameters.x": "1", item: "i" });
    const partial = exprEnvFor(scope, ["steps"]);
    expect(partial.steps).toEqual(exprEnvOf(new MapScope({ "steps.a.outputs.result": "r" })).steps);
    expect(partial.inputs).toBeUndefined();
    expect(typeof partial.asInt).toBe("function");
  });
  it("is memoised per scope and set of names", () => {
    const scope = new MapScope({ "steps.a.outputs.result": "r" });
    expect(exprEnvFor(scope, ["steps", "item"])).toBe(exprEnvFor(scope, ["item", "steps"]));
  });
});
