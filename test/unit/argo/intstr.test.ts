import { describe, expect, it } from "vitest";
import type { WorkflowSpec } from "../../../lib/argo";
import { anyString, decodeAnyStrings } from "../../../lib/argo/any-string";
import { atoi, intOrStringValue } from "../../../lib/argo/intstr";

describe("IntOrString fields (util/intstr, strconv.Atoi)", () => {
  it("reads numbers and integer texts, and refuses anything else with Argo's words", () => {
    expect(intOrStringValue(3)).toBe(3);
    expect(intOrStringValue("12")).toBe(12);
    expect(intOrStringValue("-2")).toBe(-2);
    expect(() => intOrStringValue("{{inputs.parameters.n}}")).toThrow(
      "value '{{inputs.parameters.n}}' cannot be resolved to an int",
    );
    expect(() => intOrStringValue("1.5")).toThrow("value '1.5' cannot be resolved to an int");
    expect(() => atoi(" 1")).toThrow('strconv.Atoi: parsing " 1": invalid syntax');
  });
});

describe("AnyString parameter fields (anystring.go)", () => {
  it("holds numbers and booleans as Go prints them", () => {
    expect(anyString(3)).toBe("3");
    expect(anyString(1.5)).toBe("1.5");
    expect(anyString(1e21)).toBe("1000000000000000000000");
    expect(anyString(1e-7)).toBe("0.0000001");
    expect(anyString(true)).toBe("true");
    expect(anyString("x")).toBe("x");
  });

  it("decodes every parameter list of a spec in place", () => {
    const spec = {
      arguments: { parameters: [{ name: "a", value: 1, enum: [1, 2] }] },
      templates: [
        {
          name: "t",
          inputs: { parameters: [{ name: "b", default: false }] },
          outputs: { parameters: [{ name: "c", valueFrom: { path: "/p", default: 0 } }] },
          steps: [[{ name: "s", template: "u", arguments: { parameters: [{ name: "d", value: 2.5 }] } }]],
        },
      ],
    } as unknown as WorkflowSpec;
    decodeAnyStrings(spec);
    expect(spec.arguments?.parameters?.[0]).toEqual({ name: "a", value: "1", enum: ["1", "2"] });
    const t = spec.templates?.[0];
    expect(t?.inputs?.parameters?.[0]?.default).toBe("false");
    expect(t?.outputs?.parameters?.[0]?.valueFrom?.default).toBe("0");
    expect(t?.steps?.[0]?.[0]?.arguments?.parameters?.[0]?.value).toBe("2.5");
  });
});
