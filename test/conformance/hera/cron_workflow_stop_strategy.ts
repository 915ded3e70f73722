import { container, cronWorkflow } from "skiff";

export const hera = "misc/cron_workflow_stop_strategy.yaml";

const whalesay = container({
  name: "whalesay",
  image: "argoproj/argosay:v2",
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
  stopStrategy: { expression: "cronworkflow.failed >= 3" },
  entrypoint: whalesay,
});
