import { afterAll, describe, expect, it } from "vitest";
import { LocalEngine } from "../../../lib/engine/local";
import { exhaustedRandomRetries, loadExample } from "./support";

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
    expect(exhaustedRandomRetries("retry-container.yaml", failed)).toBe(false);
    const succeeded = await runRetryScript(0);
    expect(succeeded.status?.phase).toBe("Succeeded");
    expect(exhaustedRandomRetries("retry-script.yaml", succeeded)).toBe(false);
  });
});
