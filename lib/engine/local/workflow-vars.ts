import type { Workflow } from "../../argo";
import { ANNOTATION_SCHEDULED_TIME } from "../../argo/labels";
import { rfc3339 } from "./time";

/** The `workflow.*` variables known at start (status, failures and duration are added for the exit handler). */
export function workflowVariables(wf: Workflow): Record<string, string> {
  const g: Record<string, string> = {};
  const meta = wf.metadata;
  g["workflow.name"] = meta.name ?? "";
  g["workflow.namespace"] = meta.namespace ?? "default";
  g["workflow.uid"] = meta.uid ?? "";
  g["workflow.mainEntrypoint"] = wf.spec.entrypoint ?? "";
  g["workflow.serviceAccountName"] = wf.spec.serviceAccountName ?? "";
  g["workflow.priority"] = String(wf.spec.priority ?? 0);
  g["workflow.status"] = "Running";
  const created = new Date(meta.creationTimestamp ?? Date.now());
  g["workflow.creationTimestamp"] = rfc3339(created);
  g["workflow.creationTimestamp.RFC3339"] = rfc3339(created);
  const pad = (n: number) => String(n).padStart(2, "0");
  const strftime: Record<string, string> = {
    Y: String(created.getUTCFullYear()),
    y: pad(created.getUTCFullYear() % 100),
    m: pad(created.getUTCMonth() + 1),
    d: pad(created.getUTCDate()),
    H: pad(created.getUTCHours()),
    M: pad(created.getUTCMinutes()),
    S: pad(created.getUTCSeconds()),
    s: String(Math.floor(created.getTime() / 1000)),
    j: String(
      Math.floor((created.getTime() - Date.UTC(created.getUTCFullYear(), 0, 1)) / 86_400_000) + 1,
    ).padStart(3, "0"),
  };
  for (const [k, v] of Object.entries(strftime)) g[`workflow.creationTimestamp.${k}`] = v;
  const params = wf.spec.arguments?.parameters ?? [];
  for (const p of params) {
    const value = p.value ?? p.default;
    if (value !== undefined) {
      g[`workflow.parameters.${p.name}`] = value;
    }
  }
  const json = JSON.stringify(params.map((p) => ({ name: p.name, value: p.value ?? p.default })));
  g["workflow.parameters.json"] = json;
  g["workflow.parameters"] = json;
  for (const [k, v] of Object.entries(meta.labels ?? {})) g[`workflow.labels.${k}`] = v;
  for (const [k, v] of Object.entries(meta.annotations ?? {})) g[`workflow.annotations.${k}`] = v;
  // Set only on a CronWorkflow's firings, from the annotation the cron controller writes (as Argo's operator).
  const scheduled = meta.annotations?.[ANNOTATION_SCHEDULED_TIME];
  if (scheduled !== undefined) g["workflow.scheduledTime"] = scheduled;
  g["workflow.labels.json"] = JSON.stringify(meta.labels ?? {});
  g["workflow.annotations.json"] = JSON.stringify(meta.annotations ?? {});
  return g;
}
