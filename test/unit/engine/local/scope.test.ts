import { describe, expect, it } from "vitest";
import type { NodeStatus } from "../../../../lib/argo";
import {
  addAggregateToScope,
  expandSequence,
  itemSuffix,
  itemVars,
  LoopError,
  loopItems,
  newScope,
} from "../../../../lib/engine/local/scope";

describe("loops", () => {
  it("names items as Argo does", () => {
    expect(itemSuffix(0, "hello world")).toBe("(0:hello world)");
    expect(itemSuffix(2, { tag: "9.1", image: "debian" })).toBe("(2:image:debian,tag:9.1)");
    expect(itemSuffix(1, "f(x)")).toBe("(1:fx)");
    expect(itemSuffix(3, 5)).toBe("(3:5)");
    expect(itemVars({ a: 1, b: { c: 2 } })).toEqual({
      item: '{"a":1,"b":{"c":2}}',
      "item.a": "1",
      "item.b": '{"c":2}',
    });
  });

  it("expands withSequence: count xor end, inclusive, descending, printf format", () => {
    expect(expandSequence({ count: "3" })).toEqual(["0", "1", "2"]);
    expect(expandSequence({ start: "100", end: "102" })).toEqual(["100", "101", "102"]);
    expect(expandSequence({ start: "2", end: "0" })).toEqual(["2", "1", "0"]);
    expect(expandSequence({ count: "2", start: "10", format: "user%02X" })).toEqual(["user0A", "user0B"]);
    expect(() => expandSequence({ count: "1", end: "2" })).toThrow(LoopError);
  });

  it("parses withParam as a JSON list or fails with Argo's message", () => {
    expect(loopItems({ withParam: '[1,"a",{"k":"v"}]' })).toEqual([1, "a", { k: "v" }]);
    expect(() => loopItems({ withParam: "{not json" })).toThrow(
      "withParam value could not be parsed as a JSON list: {not json",
    );
    expect(loopItems({})).toBeUndefined();
  });

  it("aggregates outputs of Succeeded children, results parsed as JSON", () => {
    const child = (phase: string, result: string, p: string): NodeStatus => ({
      id: p,
      name: p,
      type: "Pod",
      phase,
      outputs: { result, parameters: [{ name: "p", value: p }] },
    });
    const scope = newScope();
    addAggregateToScope(scope, "steps.x", [
      child("Succeeded", '{"a":1}', "one"),
      child("Failed", "2", "two"),
      child("Succeeded", "3", "three"),
    ]);
    expect(scope.vars["steps.x.outputs.result"]).toBe('[{"a":1},3]');
    expect(scope.vars["steps.x.outputs.parameters.p"]).toBe('["one","three"]');
    expect(scope.vars["steps.x.outputs.parameters"]).toBe('[{"p":"one"},{"p":"three"}]');
  });
});
