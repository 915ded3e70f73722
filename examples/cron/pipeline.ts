import { cronWorkflow, shell } from "skiff";

// A nightly job in a given time zone that never overlaps itself.
const nightly = shell({
  name: "nightly",
  image: "busybox",
  source: 'echo "nightly run scheduled at {{workflow.scheduledTime}}"',
});

export default cronWorkflow({
  name: "nightly-report",
  schedules: ["30 2 * * *"],
  timezone: "Europe/Paris",
  concurrencyPolicy: "Forbid",
  startingDeadlineSeconds: 300,
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 3,
  entrypoint: nightly,
  ttlStrategy: { secondsAfterCompletion: 86400 },
  podGC: { strategy: "OnPodSuccess" },
});
