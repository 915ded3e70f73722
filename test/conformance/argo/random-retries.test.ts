import { afterAll, describe, expect, it } from "vitest";
import { LocalEngine } from "../../../lib/engine/local";
import { exhaustedRandomRetries, loadExample, MAX_DURATION_MESSAGES } from "./support";

const engine = new LocalEngine({ concurrency: 4, cleanWorkDirs: true });
afterAll(() => engine.close());

/** retry-script with its random draw fixed, so both outcomes can be checked. */
async function runRetryScript(exitCode: number) {
  const wf = loadExample("retry-script.yaml");
  const script = wf.spec.templates?.[0]?.script;
  if (!script) throw new Error("retry-script.yaml has no script template");
  script.source = `import sys\nsys.exit(${exitCode})\n`;
  const submitted = await engine.submit(wf, { runId: `random-retries-${exitCode}` });
  return engine.wait({
    namespace: submitted.metadata.namespace ?? "default",
    name: submitted.metadata.name ?? "",
  });
}

describe("exhaustedRandomRetries", () => {
  it("accepts a retry-script run only when all 11 attempts were made and failed", async () => {
    const failed = await runRetryScript(1);
    expect(failed.status?.phase).toBe("Failed");
    expect(exhaustedRandomRetries("retry-script.yaml", failed)).toBe(true);
    // Not for other examples, and not for a run that succeeded.
    expect(exhaustedRandomRetries("retry-on-error.yaml", failed)).toBe(false);
    const succeeded = await runRetryScript(0);
    expect(succeeded.status?.phase).toBe("Succeeded");
    expect(exhaustedRandomRetries("retry-script.yaml", succeeded)).toBe(false);
  });

  it("accepts a retry-with-steps run that failed because one of its three steps used up its attempts", async () => {
    const wf = loadExample("retry-with-steps.yaml");
    const container = wf.spec.templates?.find((t) => t.name === "random-fail")?.container;
    if (!container) throw new Error("retry-with-steps.yaml has no random-fail template");
    // Always fail: the first step exhausts its 11 attempts and the run stops there.
    container.args = ["import sys; sys.exit(1)"];
    const submitted = await engine.submit(wf, { runId: "random-retries-steps" });
    const failed = await engine.wait({
      namespace: submitted.metadata.namespace ?? "default",
      name: submitted.metadata.name ?? "",
    });
    expect(failed.status?.phase).toBe("Failed");
    expect(exhaustedRandomRetries("retry-with-steps.yaml", failed)).toBe(true);
    // One attempt fewer is not an exhausted draw.
    const nodes = failed.status?.nodes ?? {};
    const retry = Object.values(nodes).find((n) => n.type === "Retry");
    retry?.children?.pop();
    expect(exhaustedRandomRetries("retry-with-steps.yaml", failed)).toBe(false);
  });

  it("accepts a retry-backoff run that ran out of its backoff time budget with every attempt failed", async () => {
    const wf = loadExample("retry-backoff.yaml");
    const template = wf.spec.templates?.[0];
    if (!template?.container || !template.retryStrategy?.backoff)
      throw new Error("unexpected retry-backoff.yaml");
    // Always fail, with a budget that the second backoff already passes.
    template.container.args = ["import sys; sys.exit(1)"];
    template.retryStrategy.backoff.maxDuration = "2";
    const submitted = await engine.submit(wf, { runId: "random-retries-backoff" });
    const failed = await engine.wait({
      namespace: submitted.metadata.namespace ?? "default",
      name: submitted.metadata.name ?? "",
    });
    expect(failed.status?.phase).toBe("Failed");
    const retry = Object.values(failed.status?.nodes ?? {}).find((n) => n.type === "Retry");
    expect(MAX_DURATION_MESSAGES).toContain(retry?.message);
    expect(exhaustedRandomRetries("retry-backoff.yaml", failed)).toBe(true);
    // Only for the example with that budget.
    expect(exhaustedRandomRetries("retry-script.yaml", failed)).toBe(false);
  });
});
