/** The task results Argo's `depends` expressions may name (`a.Succeeded`, `loop.AnySucceeded`, ...). */
export const TASK_RESULTS = [
  "Succeeded",
  "Failed",
  "Errored",
  "Skipped",
  "Omitted",
  "Daemoned",
  "AnySucceeded",
  "AllFailed",
] as const;
