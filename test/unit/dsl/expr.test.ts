import { and, eq, expression, ge, inputs, itemField, matches, ne, not, or, workflowRef } from "skiff";
import { describe, expect, it } from "vitest";

describe("expression helpers", () => {
  it("parenthesise only what precedence needs", () => {
    expect(and("a", "b", "c")).toBe("a && b && c");
    expect(and("a", or("b", "c"))).toBe("a && (b || c)");
    expect(or(and("a", "b"), "c")).toBe("(a && b) || c");
    expect(and(or("a", "b"))).toBe("a || b");
    expect(and("(a) || (b)", "c")).toBe("((a) || (b)) && c");
    expect(and("(a || b)", "c")).toBe("(a || b) && c");
  });

  it("negate single operands and groups", () => {
    expect(not("a.Failed")).toBe("!a.Failed");
    expect(not(and("a", "b"))).toBe("!(a && b)");
    expect(not("(a || b)")).toBe("!(a || b)");
  });

  it("accept nodes by name", () => {
    expect(and({ name: "train" }, { name: "test" })).toBe("train && test");
  });

  it("build govaluate conditions and Argo references", () => {
    expect(eq(workflowRef.status, "Succeeded")).toBe("{{workflow.status}} == Succeeded");
    expect(ne(inputs.parameter("x"), 3)).toBe("{{inputs.parameters.x}} != 3");
    expect(ge(itemField("n"), 1)).toBe("{{item.n}} >= 1");
    expect(matches("{{steps.a.outputs.result}}", "'^ok'")).toBe("{{steps.a.outputs.result}} =~ '^ok'");
    expect(expression("asInt(inputs.parameters.n) > 2")).toBe("{{=asInt(inputs.parameters.n) > 2}}");
    expect(inputs.artifactPath("data")).toBe("{{inputs.artifacts.data.path}}");
    expect(workflowRef.outputParameter("model")).toBe("{{workflow.outputs.parameters.model}}");
  });
});
