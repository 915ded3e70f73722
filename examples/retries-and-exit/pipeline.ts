import { dag, eq, shell, workflow, workflowRef } from "skiff";

// A flaky step retried with backoff, a step allowed to fail, and an exit handler that reports the outcome.
const flaky = shell({
  name: "flaky",
  // Fails on the first two attempts, succeeds on the third ({{retries}} counts from 0).
  source: 'echo "attempt {{retries}}"; [ "{{retries}}" -ge 2 ]',
  retryStrategy: {
    limit: 3,
    retryPolicy: "Always",
    backoff: { duration: "1s", factor: 2, maxDuration: "30s" },
  },
});

const bestEffort = shell({
  name: "best-effort",
  source: "echo 'optional work failed'; exit 1",
  timeout: "60s",
});
const finish = shell({ name: "finish", source: "echo done" });

const report = shell({
  name: "report",
  source: `echo "workflow {{workflow.name}} finished: ${workflowRef.status}"`,
});
const celebrate = shell({ name: "celebrate", source: "echo all good" });

const onExit = dag("on-exit", (d) => {
  d.task("report", report);
  d.task("celebrate", celebrate, { when: eq(workflowRef.status, "Succeeded") });
});

const main = dag("main", (d) => {
  const first = d.task("flaky", flaky);
  const optional = d.task("best-effort", bestEffort, { continueOn: { failed: true } });
  d.task("finish", finish).after(first, optional);
});

export default workflow({
  generateName: "retries-and-exit-",
  entrypoint: main,
  onExit,
  activeDeadlineSeconds: 600,
});
