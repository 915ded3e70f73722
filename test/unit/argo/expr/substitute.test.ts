import { describe, expect, it } from "vitest";
import { MapScope, SubstitutionError, substitute } from "../../../../lib/argo/expr";

const scope = new MapScope({
  "inputs.parameters.message": "hello",
  "inputs.parameters.my-param": "dashed",
  "inputs.parameters.foo": "3",
  "steps.flip-coin.outputs.result": "heads",
  "steps.heads.outputs.result": "it was heads",
  "tasks.a.outputs.parameters.p": "pv",
  "workflow.name": "wf-abc",
  "workflow.parameters.x": "1",
  item: "apple",
  retries: "2",
});

describe("substitute: simple tags", () => {
  it("replaces known keys and tolerates whitespace inside the braces", () => {
    expect(substitute("say {{inputs.parameters.message}} to {{ workflow.name }}", scope)).toBe(
      "say hello to wf-abc",
    );
    expect(substitute("{{item}}-{{retries}}", scope)).toBe("apple-2");
  });
  it("keeps unknown tags verbatim by default", () => {
    expect(substitute("a {{steps.nope.outputs.result}} b {{ foo }}", scope)).toBe(
      "a {{steps.nope.outputs.result}} b {{ foo }}",
    );
  });
  it("throws a SubstitutionError naming the variable with onMissing: error", () => {
    expect(() => substitute("x {{steps.nope.outputs.result}}", scope, { onMissing: "error" })).toThrow(
      SubstitutionError,
    );
    expect(() => substitute("x {{steps.nope.outputs.result}}", scope, { onMissing: "error" })).toThrow(
      "failed to resolve {{steps.nope.outputs.result}}",
    );
  });
  it("inserts values raw (no escaping in plain text)", () => {
    const s = new MapScope({ v: 'a "quoted"\nline' });
    expect(substitute("{{v}}", s)).toBe('a "quoted"\nline');
  });
  it("leaves text without tags unchanged, including single braces", () => {
    expect(substitute("echo $HOME {x} }}", scope)).toBe("echo $HOME {x} }}");
  });
  it("rejects an unclosed tag", () => {
    expect(() => substitute("echo {{inputs.parameters.message", scope)).toThrow(/unclosed tag/);
  });
  it("resolves the inner tag of a nested tag and leaves the outer one for a later pass", () => {
    const s = new MapScope({ item: "message", "inputs.parameters.message": "hello" });
    const once = substitute("{{inputs.parameters.{{item}}}}", s);
    expect(once).toBe("{{inputs.parameters.message}}");
    expect(substitute(once, s)).toBe("hello");
  });
});

describe("substitute: expression tags", () => {
  it("evaluates expr with Argo's env (nested keys, bracket access for dashes)", () => {
    expect(substitute("{{=asInt(inputs.parameters.foo) * 10}}", scope)).toBe("30");
    expect(substitute("{{=inputs.parameters['my-param']}}", scope)).toBe("dashed");
    expect(
      substitute(
        "{{=steps['flip-coin'].outputs.result == 'heads' ? steps.heads.outputs.result : 'x'}}",
        scope,
      ),
    ).toBe("it was heads");
    expect(substitute("{{=tasks.a.outputs.parameters.p}}", scope)).toBe("pv");
    expect(substitute("{{=workflow.parameters.x}}", scope)).toBe("1");
  });
  it("JSON-encodes non-string results like Go's json.Marshal", () => {
    expect(substitute("{{=toJson(filter([1, 3], {# > 1}))}}", scope)).toBe("[3]");
    expect(substitute("{{=filter([1, 3], {# > 1})}}", scope)).toBe("[3]");
    expect(substitute("{{=1 + 1 == 2}}", scope)).toBe("true");
    expect(substitute("{{=toJson({b: 1, a: 'x<y'}) }}", scope)).toBe('{"a":"x\\u003cy","b":1}');
    expect(substitute("{{=[{b: 1, a: 2.5}] }}", scope)).toBe('[{"a":2.5,"b":1}]');
  });
  it("ends a tag at the first }}, like fasttemplate (so a map literal needs a space before the braces)", () => {
    expect(() => substitute("{{={a: 1}}}", scope, { onMissing: "error" })).toThrow(SubstitutionError);
  });
  it("keeps an expression whose late-bound variable is missing (item, retries, workflow.status)", () => {
    const s = new MapScope({ "inputs.parameters.foo": "1" });
    expect(substitute("{{=item}}", s)).toBe("{{=item}}");
    expect(substitute("{{=workflow.status == 'Succeeded'}}", s)).toBe("{{=workflow.status == 'Succeeded'}}");
    expect(() => substitute("{{=item}}", s, { onMissing: "error" })).toThrow(/item is missing/);
  });
  it("keeps a failing or nil expression verbatim by default and throws in error mode", () => {
    expect(substitute("{{=nope.x}}", scope)).toBe("{{=nope.x}}");
    expect(substitute("{{=inputs.parameters.absent}}", scope)).toBe("{{=inputs.parameters.absent}}");
    expect(() => substitute("{{=nope.x}}", scope, { onMissing: "error" })).toThrow(SubstitutionError);
    expect(() => substitute("{{=inputs.parameters.absent}}", scope, { onMissing: "error" })).toThrow(
      "failed to evaluate expression {{=inputs.parameters.absent}}: inputs.parameters.absent is missing",
    );
    expect(() => substitute("{{=nil}}", scope, { onMissing: "error" })).toThrow(/the result is nil/);
  });
  it("reports a syntax error in an expression tag, naming the tag", () => {
    expect(() => substitute("{{=1 +}}", scope)).toThrow(/failed to evaluate expression \{\{=1 \+\}\}/);
  });
});

describe("substitute: absent optionals (outputs of skipped/omitted producers without a default)", () => {
  const withAbsent = new MapScope({ "inputs.parameters.x": "1" }, ["steps.skipped.outputs.parameters.p"]);
  it("are nil in expressions, so ?? supplies a fallback", () => {
    expect(substitute("{{=steps.skipped.outputs.parameters.p ?? 'fallback'}}", withAbsent)).toBe("fallback");
  });
  it("fail a simple tag whatever onMissing says, with Argo's wording", () => {
    expect(() => substitute("{{steps.skipped.outputs.parameters.p}}", withAbsent)).toThrow(
      "unable to substitute {{steps.skipped.outputs.parameters.p}}: output is an absent optional (skipped/omitted node with no default)",
    );
  });
  it("are reported by isAbsent and carried over by with()", () => {
    expect(withAbsent.isAbsent("steps.skipped.outputs.parameters.p")).toBe(true);
    expect(withAbsent.isAbsent("inputs.parameters.x")).toBe(false);
    const extended = withAbsent.with({ item: "a" }, ["tasks.t.outputs.result"]);
    expect(extended.isAbsent("steps.skipped.outputs.parameters.p")).toBe(true);
    expect(extended.isAbsent("tasks.t.outputs.result")).toBe(true);
  });
  it("a value given for the key wins over the absent mark", () => {
    const scope = withAbsent.with({ "steps.skipped.outputs.parameters.p": "set" });
    expect(substitute("{{steps.skipped.outputs.parameters.p}}", scope)).toBe("set");
  });
});

describe("substitute: Argo's own replacement cases", () => {
  it("resolves expressions over workflow variables, sprig included", () => {
    const wf = (status: string) => new MapScope({ "workflow.status": status });
    const pick = '{{=workflow.status == "Succeeded" ? "SUCCESSFUL" : "FAILED"}}';
    expect(substitute(pick, wf("Succeeded"), { onMissing: "error" })).toBe("SUCCESSFUL");
    expect(substitute(pick, wf("Failed"), { onMissing: "error" })).toBe("FAILED");
    expect(
      substitute("{{=sprig.dig('status', nil, workflow)}}", wf("Succeeded"), { onMissing: "error" }),
    ).toBe("Succeeded");
    const failures = new MapScope({ "workflow.failures": '{"foo":"bar"}' });
    expect(substitute('{{=workflow.failures == "{\\"foo\\":\\"bar\\"}" ? "yes" : "no"}}', failures)).toBe(
      "yes",
    );
  });
  it("keeps late-bound expressions when unresolved is allowed, and names the missing variable otherwise", () => {
    const empty = new MapScope({});
    expect(substitute("{{=sprig.int(retries)}}", empty)).toBe("{{=sprig.int(retries)}}");
    expect(substitute("{{=foo}}", empty)).toBe("{{=foo}}");
    expect(() => substitute("{{=foo}}", empty, { onMissing: "error" })).toThrow("foo is missing");
    expect(() => substitute("{{=!}}", empty)).toThrow(/failed to evaluate expression/);
  });
  it("guards member accesses with ?? and ?. but not the base variable", () => {
    const present = new MapScope({ "item.name": "a", "item.optionalKey": "value" });
    const missing = new MapScope({ "item.name": "b" });
    for (const tag of [
      "{{= item.optionalKey ?? 'fallback' }}",
      "{{= item['optionalKey'] ?? 'fallback' }}",
      "{{= item?.optionalKey ?? 'fallback' }}",
    ]) {
      expect(substitute(tag, present, { onMissing: "error" })).toBe("value");
      expect(substitute(tag, missing, { onMissing: "error" })).toBe("fallback");
    }
    expect(() =>
      substitute("{{= item.optionalKey ?? 'fallback' }}", new MapScope({}), { onMissing: "error" }),
    ).toThrow("item is missing");
  });
  it("resolves nested tags inside other templating syntaxes and leaves the rest", () => {
    const s = new MapScope({ "inputs.parameters.message": "hello world" });
    const vault =
      '{{- with secret "{{inputs.parameters.message}}" -}}\n    {{ .Data.data.gitcreds }}\n  {{- end }}';
    expect(substitute(vault, s)).toBe(
      '{{- with secret "hello world" -}}\n    {{ .Data.data.gitcreds }}\n  {{- end }}',
    );
    const untouched = '{{- with {{ {{ }} secret "{{does-not-exist}}" -}} }}\n  {{- end }}';
    expect(substitute(untouched, s)).toBe(untouched);
  });
  it("an absent nested value is an error; an empty one collapses", () => {
    const input = "{{outer-{{steps.x.outputs.parameters.key}}}}";
    const absent = new MapScope({ "outer-": "resolved-outer" }, ["steps.x.outputs.parameters.key"]);
    expect(() => substitute(input, absent)).toThrow(/absent optional/);
    const empty = new MapScope({ "outer-": "resolved-outer", "steps.x.outputs.parameters.key": "" });
    const once = substitute(input, empty);
    expect(once).toBe("{{outer-}}");
    expect(substitute(once, empty)).toBe("resolved-outer");
  });
  it("an absent value is nil for ??, and an empty string is not", () => {
    const absent = new MapScope({}, ["tasks.producer.outputs.parameters.msg"]);
    const empty = new MapScope({ "tasks.producer.outputs.parameters.msg": "" });
    const tag = "{{= tasks.producer.outputs.parameters.msg ?? 'fallback'}}";
    expect(substitute(tag, absent, { onMissing: "error" })).toBe("fallback");
    expect(substitute(tag, empty, { onMissing: "error" })).toBe("");
    expect(() =>
      substitute("{{= tasks.producer.outputs.parameters.msg}}", absent, { onMissing: "error" }),
    ).toThrow(SubstitutionError);
  });
  it("sprig.trunc from both ends", () => {
    const s = new MapScope({ "inputs.parameters.message": "hello world" });
    expect(substitute("test {{= sprig.trunc(5, inputs.parameters.message) }}", s)).toBe("test hello");
    expect(substitute("test {{= sprig.trunc(-5, inputs.parameters.message) }}", s)).toBe("test world");
  });
});

describe("substitute: strictPrefixes (Argo's ReplaceStrict)", () => {
  const scope = new MapScope({ "inputs.parameters.x": "1" });
  const strict = { strictPrefixes: ["steps", "tasks"] };
  it("fails a missing tag under a strict prefix and keeps other unknown tags", () => {
    expect(() => substitute("{{steps.a.outputs.result}}", scope, strict)).toThrow(
      "failed to resolve {{steps.a.outputs.result}}",
    );
    expect(substitute("{{foo}} {{workflow.x}}", scope, strict)).toBe("{{foo}} {{workflow.x}}");
    expect(substitute("{{stepsX.y}}", scope, strict)).toBe("{{stepsX.y}}");
  });
  it("leaves artifact references for artifact resolution", () => {
    expect(substitute("{{steps.a.outputs.artifacts.out}}", scope, strict)).toBe(
      "{{steps.a.outputs.artifacts.out}}",
    );
  });
  it("names a missing strict variable in an expression, and requires a fully resolved one to evaluate", () => {
    expect(() => substitute("{{=tasks.a.outputs.result}}", scope, strict)).toThrow("tasks is missing");
    expect(substitute("{{=foo.bar}}", scope, strict)).toBe("{{=foo.bar}}");
    expect(() => substitute("{{=inputs.parameters.x + 1}}", scope, strict)).toThrow(
      /mismatched types string and int/,
    );
  });
});
