import { container, cronWorkflow } from "skiff";

export const hera = "upstream/cron_workflow_multiple_schedules.yaml";

const whalesay = container({
  name: "whalesay",
  image: "docker/whalesay:latest",
  command: ["cowsay"],
  args: ["🕓 hello world. Scheduled on: {{workflow.scheduledTime}}"],
});

export default cronWorkflow({
  name: "hello-world-multiple-schedules",
  schedules: ["*/3 * * * *", "*/2 * * * *"],
  timezone: "America/Los_Angeles",
  concurrencyPolicy: "Replace",
  startingDeadlineSeconds: 0,
  successfulJobsHistoryLimit: 4,
  failedJobsHistoryLimit: 4,
  cronSuspend: false,
  entrypoint: whalesay,
});
