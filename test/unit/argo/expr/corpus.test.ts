/**
 * Every `{{=…}}` tag, `when`, `depends` and `expression` found in the shared Argo examples and the Hera corpus
 * must parse and evaluate; the forms are evaluated here with the values the examples produce.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { dependsTaskNames } from "../../../../lib/argo/depends";
import {
  evaluateDepends,
  evaluateExpr,
  evaluateWhen,
  exprEnvOf,
  MapScope,
  substitute,
} from "../../../../lib/argo/expr";
import { parseExpr } from "../../../../lib/argo/expr/exprlang";
import { loadSpecDocuments } from "../../../../lib/compiler/spec-file";

const conformance = fileURLToPath(new URL("../../../../../shared/conformance/", import.meta.url));

interface Corpus {
  tags: Set<string>;
  when: Set<string>;
  depends: Set<string>;
  expression: Set<string>;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

function loadCorpus(): Corpus {
  const corpus: Corpus = { tags: new Set(), when: new Set(), depends: new Set(), expression: new Set() };
  const visit = (value: unknown, key: string): void => {
    if (typeof value === "string") {
      if (key === "when") corpus.when.add(value);
      if (key === "depends") corpus.depends.add(value);
      if (key === "expression") corpus.expression.add(value);
      for (const match of value.matchAll(/\{\{(=[\s\S]*?)\}\}/g)) corpus.tags.add(match[1]);
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item, key);
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) visit(v, k);
    }
  };
  const files = [
    ...yamlFiles(join(conformance, "argo", "examples")),
    ...yamlFiles(join(conformance, "hera")),
  ];
  for (const file of files) {
    for (const doc of loadSpecDocuments(readFileSync(file, "utf8"), file)) visit(doc, "");
  }
  return corpus;
}

const corpus = loadCorpus();
const normalise = (s: string) => s.replace(/\s+/g, " ").trim();

const weather = '{"weekWeather": "eyJ0ZW1wcyI6IFszNCwgMjcsIDE1LCA1NywgNDZdfQo="}';
const config =
  '{"employees": [{"name": "Baris", "age":43},{"name": "Mo", "age": 42}, {"name": "Jai", "age" :44}]}';
const tagScope = new MapScope({
  "inputs.parameters.should-print": "true",
  "inputs.parameters.foo": "3",
  "inputs.parameters.week-temps": '{"avg":35.8,"max":57,"min":15}',
  "workflow.parameters.json": '[{"name":"should-print","value":"true"}]',
  "workflow.parameters.config": config,
  "workflow.parameters.weather": weather,
  "workflow.creationTimestamp": "2026-11-23T01:02:03Z",
  item: "3",
});

/** expression-destructure-json uses another config document. */
const destructureScope = tagScope.with({ "workflow.parameters.config": '{"a": "1", "b": "2", "c": "3"}' });
const destructured: Record<string, string> = {
  "=jsonpath(workflow.parameters.config, '$.a')": "1",
  "=jsonpath(workflow.parameters.config, '$.b')": "2",
  "=jsonpath(workflow.parameters.config, '$.c')": "3",
};

/** Expected result of each `{{=…}}` form of the corpus (by normalised text) with tagScope. */
const tagResults: Record<string, string> = {
  "= inputs.parameters[\"should-print\"] == 'true'": "true",
  "=jsonpath(workflow.parameters.json, '$[0].value') == 'true'": "true",
  "=jsonpath(workflow.parameters.config, '$.employees[?(@.name==\"Baris\")].age')": "[43]",
  "=jsonpath(workflow.parameters.config, '$.employees[?(@.age>42 && @.age<44)].age')": "[43]",
  "=jsonpath(workflow.parameters.config, '$.employees[0:1]')": '[{"age":43,"name":"Baris"}]',
  "=jsonpath(workflow.parameters.config, '$.employees[*].name')": '["Baris","Mo","Jai"]',
  "=jsonpath(inputs.parameters['week-temps'], '$.avg')": "35.8",
  "=jsonpath(inputs.parameters['week-temps'], '$.min')": "15",
  "=jsonpath(inputs.parameters['week-temps'], '$.max')": "57",
  "=item": "3",
  "=toJson(filter([1, 3], {# > 1}))": "[3]",
  "=asInt(inputs.parameters.foo) * 10": "30",
  "=sprig.date('2006', workflow.creationTimestamp)": String(new Date().getFullYear()),
  "= map([ jsonpath(sprig.b64dec(jsonpath(workflow.parameters.weather, '$.weekWeather')), '$.temps') ], { toJson({ avg: sprig.add(#[0], #[1], #[2], #[3], #[4]) / 5, min: sprig.min(#[0], #[1], #[2], #[3], #[4]), max: sprig.max(#[0], #[1], #[2], #[3], #[4]) }) })[0]":
    '{"avg":35.8,"max":57,"min":15}',
  "=map([jsonpath(sprig.b64dec(jsonpath(workflow.parameters.weather, '$.weekWeather')), '$.temps')], {toJson({'avg': sprig.add(#[0], #[1], #[2], #[3], #[4]) / 5, 'min': sprig.min(#[0], #[1], #[2], #[3], #[4]), 'max': sprig.max(#[0], #[1], #[2], #[3], #[4])})})[0]":
    '{"avg":35.8,"max":57,"min":15}',
};

describe("{{=…}} tags of the corpus", () => {
  it("finds the corpus", () => {
    expect(corpus.tags.size).toBeGreaterThan(10);
    expect(corpus.when.size).toBeGreaterThan(20);
  });

  it("parses every expression tag", () => {
    for (const tag of corpus.tags) {
      if (normalise(tag) === "=...") continue; // the placeholder in a comment-like description
      expect(() => parseExpr(tag.slice(1)), tag).not.toThrow();
    }
  });

  it("evaluates every expression tag to the value Argo produces", () => {
    const cronTag =
      "= cronworkflow.lastScheduledTime == nil || (now() - cronworkflow.lastScheduledTime).Seconds() > 360";
    const expected = new Map(Object.entries(tagResults).map(([k, v]) => [normalise(k), v]));
    const other = new Map(Object.entries(destructured).map(([k, v]) => [normalise(k), v]));
    for (const tag of corpus.tags) {
      const key = normalise(tag);
      if (key === "=..." || key === normalise(cronTag)) continue;
      expect(expected.has(key) || other.has(key), `no expected value for the corpus tag ${key}`).toBe(true);
      const scope = other.has(key) ? destructureScope : tagScope;
      expect(substitute(`{{${tag}}}`, scope, { onMissing: "error" }), key).toBe(
        expected.get(key) ?? other.get(key),
      );
    }
  });

  it("evaluates the CronWorkflow when (time arithmetic and Duration.Seconds())", () => {
    const source =
      "cronworkflow.lastScheduledTime == nil || (now() - cronworkflow.lastScheduledTime).Seconds() > 360";
    const env = (last: Date | null) => ({
      ...exprEnvOf(new MapScope()),
      cronworkflow: { lastScheduledTime: last },
    });
    expect(evaluateExpr(source, env(null))).toBe(true);
    expect(evaluateExpr(source, env(new Date(Date.now() - 3_600_000)))).toBe(true);
    expect(evaluateExpr(source, env(new Date(Date.now() - 60_000)))).toBe(false);
  });
});

/** Every `when` of the corpus with the scopes that decide it, and the expected outcome. */
const whenCases: Array<{ when: string; scope: Record<string, string>; expected: boolean }> = [
  {
    when: "{{steps.flip-coin.outputs.result}} == heads",
    scope: { "steps.flip-coin.outputs.result": "heads" },
    expected: true,
  },
  {
    when: "{{steps.flip-coin.outputs.result}} == tails",
    scope: { "steps.flip-coin.outputs.result": "heads" },
    expected: false,
  },
  {
    when: "( {{steps.flip-coin.outputs.result}} == heads && {{steps.flip-again.outputs.result}} == tails ) || ( {{steps.flip-coin.outputs.result}} == tails && {{steps.flip-again.outputs.result}} == tails )",
    scope: { "steps.flip-coin.outputs.result": "tails", "steps.flip-again.outputs.result": "tails" },
    expected: true,
  },
  {
    when: "{{steps.flip-again.outputs.result}} =~ hea",
    scope: { "steps.flip-again.outputs.result": "heads" },
    expected: true,
  },
  {
    when: "{{steps.flip-again.outputs.result}} =~ tai",
    scope: { "steps.flip-again.outputs.result": "heads" },
    expected: false,
  },
  {
    when: "{{inputs.parameters.should-print}} == true",
    scope: { "inputs.parameters.should-print": "true" },
    expected: true,
  },
  {
    when: "{{inputs.parameters.should-print}} == true",
    scope: { "inputs.parameters.should-print": "false" },
    expected: false,
  },
  {
    when: "{{= inputs.parameters[\"should-print\"] == 'true'}}",
    scope: { "inputs.parameters.should-print": "false" },
    expected: false,
  },
  {
    when: "{{=jsonpath(workflow.parameters.json, '$[0].value') == 'true'}}",
    scope: { "workflow.parameters.json": '[{"name":"should-print","value":"true"}]' },
    expected: true,
  },
  { when: "{{status}} == Succeeded", scope: { status: "Succeeded" }, expected: true },
  {
    when: "{{tasks.flip-coin.outputs.result}} == heads",
    scope: { "tasks.flip-coin.outputs.result": "tails" },
    expected: false,
  },
  {
    when: "{{tasks.flip-coin.outputs.result}} == tails",
    scope: { "tasks.flip-coin.outputs.result": "tails" },
    expected: true,
  },
  { when: "{{workflow.status}} == Succeeded", scope: { "workflow.status": "Failed" }, expected: false },
  { when: "{{workflow.status}} != Succeeded", scope: { "workflow.status": "Failed" }, expected: true },
  {
    when: "{{inputs.parameters.num}} != 1 && {{inputs.parameters.num}} != 2",
    scope: { "inputs.parameters.num": "5" },
    expected: true,
  },
  {
    when: "{{inputs.parameters.num-1}} != 1 && {{inputs.parameters.num-1}} != 2",
    scope: { "inputs.parameters.num-1": "2" },
    expected: false,
  },
  {
    when: "{{steps.approval.outputs.parameters.approve}} == YES",
    scope: { "steps.approval.outputs.parameters.approve": "YES" },
    expected: true,
  },
  { when: "{{item.evenness}} == even", scope: { "item.evenness": "odd" }, expected: false },
  {
    when: "{{steps.iterate-counter.outputs.result}} < {{inputs.parameters.limit}}",
    scope: { "steps.iterate-counter.outputs.result": "9", "inputs.parameters.limit": "10" },
    expected: true,
  },
  {
    when: "{{steps.iterate-counter.outputs.result}} < {{inputs.parameters.limit}}",
    scope: { "steps.iterate-counter.outputs.result": "10", "inputs.parameters.limit": "10" },
    expected: false,
  },
  {
    when: "{{steps.submit-resource.status}} == Failed",
    scope: { "steps.submit-resource.status": "Succeeded" },
    expected: false,
  },
  {
    when: "{{steps.flakey-container.status}} == Failed",
    scope: { "steps.flakey-container.status": "Failed" },
    expected: true,
  },
  {
    when: "{{steps.flakey-container.status}} == Succeeded",
    scope: { "steps.flakey-container.status": "Failed" },
    expected: false,
  },
  {
    when: "{{tasks.roll.outputs.result}} != 6",
    scope: { "tasks.roll.outputs.result": "6" },
    expected: false,
  },
  { when: "{{workflow.status}} == Error", scope: { "workflow.status": "Error" }, expected: true },
  {
    when: "{{tasks.flip.outputs.result}} == heads",
    scope: { "tasks.flip.outputs.result": "heads" },
    expected: true,
  },
  {
    when: "{{tasks.flip.outputs.result}} == tails",
    scope: { "tasks.flip.outputs.result": "heads" },
    expected: false,
  },
  {
    when: "{{steps.random-roll.outputs.result}} != 0",
    scope: { "steps.random-roll.outputs.result": "0" },
    expected: false,
  },
];

describe("when conditions of the corpus", () => {
  it("has a case for every when in the corpus", () => {
    // The CronWorkflow's when is evaluated over the cron's own env (times, not strings): see the tag tests.
    const cronWhen =
      "{{= cronworkflow.lastScheduledTime == nil || (now() - cronworkflow.lastScheduledTime).Seconds() > 360 }}";
    const covered = new Set([...whenCases.map((c) => normalise(c.when)), normalise(cronWhen)]);
    const missing = [...corpus.when].map(normalise).filter((w) => !covered.has(w));
    expect(missing).toEqual([]);
  });

  it.each(whenCases)("$when with $scope is $expected", ({ when, scope, expected }) => {
    const substituted = substitute(when, new MapScope(scope), { onMissing: "error" });
    expect(evaluateWhen(substituted)).toBe(expected);
  });
});

describe("depends of the corpus", () => {
  it("parses and evaluates every depends expression", () => {
    for (const depends of corpus.depends) {
      const names = dependsTaskNames(depends);
      expect(names.length, depends).toBeGreaterThan(0);
      const allSucceeded = Object.fromEntries(names.map((n) => [n, { phase: "Succeeded" as const }]));
      expect(typeof evaluateDepends(depends, allSucceeded), depends).toBe("boolean");
    }
  });

  it("omits the tasks the examples expect to be omitted", () => {
    // dag-enhanced-depends: B fails, so "B.Succeeded || C.Succeeded" holds only through C.
    expect(
      evaluateDepends("B.Succeeded || C.Succeeded", { B: { phase: "Failed" }, C: { phase: "Succeeded" } }),
    ).toBe(true);
    // dag-conditional-artifacts: "random.Failed" runs only after a failure.
    expect(evaluateDepends("random.Failed", { random: { phase: "Succeeded" } })).toBe(false);
    // a bare name reached through an Omitted task does not run.
    expect(evaluateDepends("map-", { "map-": { phase: "Omitted" } })).toBe(false);
  });
});

describe("expression fields of the corpus (valueFrom, hooks, retryStrategy, data)", () => {
  it("parses every expression, after simple-tag substitution", () => {
    for (const expression of corpus.expression) {
      const substituted = substitute(expression, new MapScope({ "inputs.parameters.safe-to-retry": "true" }));
      expect(() => parseExpr(substituted), expression).not.toThrow();
    }
  });

  it("evaluates the conditional-parameters expressions", () => {
    const scope = new MapScope({
      "steps.flip-coin.outputs.result": "tails",
      "steps.heads.outputs.result": "heads!",
      "steps.tails.outputs.result": "tails!",
    });
    const expression =
      "steps['flip-coin'].outputs.result == 'heads' ? steps.heads.outputs.result : steps.tails.outputs.result";
    expect(evaluateExpr(expression, exprEnvOf(scope))).toBe("tails!");
  });

  it("evaluates the fibonacci chained ternary without spaces before the colons", () => {
    const expression =
      "asInt(inputs.parameters.num) == 1? 1: asInt(inputs.parameters.num) == 2? 1: steps['fibonacci-helper'].outputs.parameters.result";
    const env = (num: string) =>
      exprEnvOf(
        new MapScope({
          "inputs.parameters.num": num,
          "steps.fibonacci-helper.outputs.parameters.result": "8",
        }),
      );
    expect(evaluateExpr(expression, env("1"))).toBe(1);
    expect(evaluateExpr(expression, env("2"))).toBe(1);
    expect(evaluateExpr(expression, env("6"))).toBe("8");
  });

  it("evaluates lifecycle hook expressions", () => {
    const env = exprEnvOf(
      new MapScope({
        "steps.step-1.status": "Running",
        "workflow.status": "Running",
        "steps.step2.status": "Succeeded",
      }),
    );
    expect(evaluateExpr('steps["step-1"].status == "Running"', env)).toBe(true);
    expect(evaluateExpr('steps["step-1"].status == "Succeeded"', env)).toBe(false);
    expect(evaluateExpr('steps.step2.status == "Succeeded"', env)).toBe(true);
    expect(evaluateExpr('workflow.status == "Running"', env)).toBe(true);
  });

  it("evaluates the retry-conditional expression", () => {
    const source = substitute(
      "asInt(lastRetry.exitCode) > 1 && lastRetry.status != \"Error\" && asInt(lastRetry.duration) < 120 && ({{inputs.parameters.safe-to-retry}} == true || lastRetry.message matches 'imminent node shutdown|pod deleted')",
      new MapScope({ "inputs.parameters.safe-to-retry": "false" }),
    );
    const env = (exitCode: string, message: string) =>
      exprEnvOf(
        new MapScope({
          "lastRetry.exitCode": exitCode,
          "lastRetry.status": "Failed",
          "lastRetry.duration": "3",
          "lastRetry.message": message,
        }),
      );
    expect(evaluateExpr(source, env("2", "pod deleted"))).toBe(true);
    expect(evaluateExpr(source, env("2", "other"))).toBe(false);
    expect(evaluateExpr(source, env("1", "pod deleted"))).toBe(false);
  });

  it("evaluates the data template filter", () => {
    const env = { ...exprEnvOf(new MapScope()), data: ["a/main.log", "b/other.txt", "c/main.log"] };
    expect(evaluateExpr("filter(data, {# endsWith 'main.log'})", env)).toEqual(["a/main.log", "c/main.log"]);
    expect(evaluateExpr('filter(data, {# endsWith "main.log"})', env)).toEqual(["a/main.log", "c/main.log"]);
  });

  it("evaluates the workflow-parameter expression and the cron failure count", () => {
    expect(
      evaluateExpr("workflow.parameters.foo", exprEnvOf(new MapScope({ "workflow.parameters.foo": "bar" }))),
    ).toBe("bar");
    expect(evaluateExpr("cronworkflow.failed >= 3", { cronworkflow: { failed: 3 } })).toBe(true);
  });
});
