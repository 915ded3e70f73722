import { container, cronWorkflow } from "skiff";

export const hera = "upstream/cron_workflow.yaml";

const hello = container({
  name: "hello-world-with-time",
  image: "busybox",
  command: ["echo"],
  args: ["🕓 hello world. Scheduled on: {{workflow.scheduledTime}}"],
});

export default cronWorkflow({
  name: "hello-world",
  schedules: "* * * * *",
  timezone: "America/Los_Angeles",
  concurrencyPolicy: "Replace",
  startingDeadlineSeconds: 0,
  successfulJobsHistoryLimit: 4,
  failedJobsHistoryLimit: 4,
  cronSuspend: false,
  entrypoint: hello,
});
