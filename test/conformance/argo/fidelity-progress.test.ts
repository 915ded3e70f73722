import { afterAll, describe, expect, it } from "vitest";
import { LocalEngine } from "../../../lib/engine/local";
import { nodeNamed, runInline } from "./run-inline";

// Argo's workflow/progress/updater.go (UpdateProgress) and pkg/apis/workflow/v1alpha1/progress.go: an executable
// node (Pod, Container, HTTP, Plugin, Suspend) has its own progress, "0/1" until it reports one, made complete
// ("M/M") only when it Succeeded, was Skipped or Omitted, so a failed pod counts as not done; every other node sums
// the executable nodes reachable through its children; the workflow sums every executable node. A pod reports its
// own progress by writing "N/M" to the file named by ARGO_PROGRESS_FILE (workflow/executor monitorProgress; the
// e2e test test/e2e/progress_test.go expects 100/100 after a pod reported 50/100 and succeeded).

const engine = new LocalEngine({ concurrency: 8, cleanWorkDirs: true });
afterAll(() => engine.close());

describe("status.progress (workflow/progress/updater.go)", () => {
  it("does not count failed pods as done, and gives DAG and Steps nodes the sum of their children", async () => {
    const wf = await runInline(
      engine,
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: progress-}
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - {name: ok, template: ok}
          - {name: bad, template: bad}
          - {name: inner, template: inner}
    - name: inner
      steps:
        - - {name: a, template: ok}
          - {name: b, template: ok}
    - name: ok
      container: {image: alpine, command: ["true"]}
    - name: bad
      container: {image: alpine, command: ["false"]}
`,
    );
    expect(wf.status?.phase).toBe("Failed");
    expect(nodeNamed(wf, ".bad").progress).toBe("0/1");
    expect(nodeNamed(wf, ".ok").progress).toBe("1/1");
    expect(nodeNamed(wf, ".inner").progress).toBe("2/2");
    expect(nodeNamed(wf, ".inner[0]").progress).toBe("2/2");
    expect(nodeNamed(wf, "").progress).toBe("3/4");
    expect(wf.status?.progress).toBe("3/4");
  });

  it("counts a failed retried entrypoint's attempts as not done (as test/e2e/hooks_test.go expects: 2/4)", async () => {
    const wf = await runInline(
      engine,
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: progress-retry-}
spec:
  entrypoint: work
  hooks:
    failed: {expression: workflow.status == "Failed", template: hook}
    running: {expression: workflow.status == "Running", template: hook}
  templates:
    - name: work
      retryStrategy: {limit: 1}
      container: {image: alpine, command: [sh, -c, "exit 1"]}
    - name: hook
      container: {image: alpine, command: ["true"]}
`,
    );
    expect(wf.status?.phase).toBe("Failed");
    expect(nodeNamed(wf, "").type).toBe("Retry");
    expect(wf.status?.progress).toBe("2/4");
  });

  it("takes a pod's progress from ARGO_PROGRESS_FILE, complete once it succeeded, as reported when it failed", async () => {
    const wf = await runInline(
      engine,
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: progress-file-}
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - {name: reports, template: reports}
          - {name: fails, template: fails}
          - {name: garbage, template: garbage}
    - name: reports
      container:
        image: alpine
        command: [sh, -c, 'echo 0/100 > "$ARGO_PROGRESS_FILE"; echo 50/100 > "$ARGO_PROGRESS_FILE"']
    - name: fails
      container:
        image: alpine
        command: [sh, -c, 'printf "1/10\\n3/10\\n" > "$ARGO_PROGRESS_FILE"; exit 1']
    - name: garbage
      container:
        image: alpine
        command: [sh, -c, 'echo 12/10 > "$ARGO_PROGRESS_FILE"; exit 1']
`,
    );
    expect(nodeNamed(wf, ".reports").progress).toBe("100/100");
    expect(nodeNamed(wf, ".fails").progress).toBe("3/10");
    // Not a valid N/M (N > M): ignored, the default stays.
    expect(nodeNamed(wf, ".garbage").progress).toBe("0/1");
    expect(nodeNamed(wf, "").progress).toBe("103/111");
    expect(wf.status?.progress).toBe("103/111");
  });
});
