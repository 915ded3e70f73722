// The resource itself: `workflow(...)`, `workflowTemplate(...)`, `clusterWorkflowTemplate(...)`, `cronWorkflow(...)`.
import { CRON_KEYS } from "../dsl/workflow";
import { Code, type Printable, type PrintableObject, print } from "./code";
import type { DocContext, Json } from "./context";
import { hooksCode } from "./graph";
import { artifactDecl, isRecord, paramDecl } from "./io";
import { renderValue, type Scope } from "./refs";

const BUILDERS: Record<string, string> = {
  Workflow: "workflow",
  WorkflowTemplate: "workflowTemplate",
  ClusterWorkflowTemplate: "clusterWorkflowTemplate",
  CronWorkflow: "cronWorkflow",
};

// CronWorkflow options the DSL reads for the cron spec even in a Workflow: as spec fields they go to `extra`
// (`workflowMetadata` is not among them: on a Workflow the DSL passes it to the spec).
const CRON_OPTION_NAMES = new Set([...CRON_KEYS].filter((key) => key !== "workflowMetadata"));
const CRON_FIELDS: Record<string, string> = {
  timezone: "timezone",
  concurrencyPolicy: "concurrencyPolicy",
  startingDeadlineSeconds: "startingDeadlineSeconds",
  successfulJobsHistoryLimit: "successfulJobsHistoryLimit",
  failedJobsHistoryLimit: "failedJobsHistoryLimit",
  suspend: "cronSuspend",
  stopStrategy: "stopStrategy",
  when: "when",
  workflowMetadata: "workflowMetadata",
};

/** The workflow spec to read templates from: `spec`, or a CronWorkflow's `spec.workflowSpec`. */
export function workflowSpecOf(resource: Json): Json {
  const spec = resource.spec as Json;
  if (resource.kind !== "CronWorkflow") return spec;
  return isRecord(spec.workflowSpec) ? spec.workflowSpec : {};
}

/**
 * Workflow arguments as the DSL's record (a value, `param({...})` or `artifact({...})` per name); undefined when
 * a name is used twice or a field has no DSL option.
 */
export function argumentsRecord(args: unknown, scope: Scope): PrintableObject | undefined {
  if (!isRecord(args) || Object.keys(args).some((key) => key !== "parameters" && key !== "artifacts"))
    return undefined;
  const out: PrintableObject = {};
  for (const parameter of (args.parameters ?? []) as unknown[]) {
    if (!isRecord(parameter) || typeof parameter.name !== "string" || parameter.name in out) return undefined;
    const keys = Object.keys(parameter).sort().join(",");
    if (keys === "name,value" && ["string", "number", "boolean"].includes(typeof parameter.value)) {
      out[parameter.name] = renderValue(parameter.value, scope);
      continue;
    }
    const decl = paramDecl(parameter, scope);
    if (!decl) return undefined;
    out[parameter.name] = decl;
  }
  for (const artifact of (args.artifacts ?? []) as unknown[]) {
    if (!isRecord(artifact) || typeof artifact.name !== "string" || artifact.name in out) return undefined;
    out[artifact.name] = artifactDecl(artifact, scope);
  }
  return out;
}

/** Workflow-level hooks: the DSL writes their arguments as parameters only. */
function workflowHooks(
  hooks: unknown,
  ctx: DocContext,
  scope: Scope,
  uses: Set<string>,
): PrintableObject | undefined {
  if (!isRecord(hooks)) return undefined;
  for (const hook of Object.values(hooks)) {
    if (isRecord(hook) && isRecord(hook.arguments) && hook.arguments.artifacts !== undefined)
      return undefined;
  }
  return hooksCode(hooks, ctx, scope, uses);
}

/**
 * The builder call for the resource. `roots` receives the templates its options refer to by variable;
 * `unreached(roots)` gives the variables to list in `templates` (those the DSL would not collect).
 */
export function resourceCall(
  resource: Json,
  ctx: DocContext,
  argsVariable: string | undefined,
  unreached: (roots: Set<string>) => string[],
): string {
  const kind = resource.kind as string;
  const scope: Scope = { args: ctx.args, imports: ctx.imports };
  const options: PrintableObject = {};
  const extra: PrintableObject = {};
  const metadata = isRecord(resource.metadata) ? resource.metadata : {};
  const otherMetadata: PrintableObject = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (["name", "generateName", "namespace", "labels", "annotations"].includes(key))
      options[key] = renderValue(value, scope);
    else otherMetadata[key] = renderValue(value, scope);
  }
  if (Object.keys(otherMetadata).length > 0) options.metadata = otherMetadata;
  const spec = workflowSpecOf(resource);
  const roots = new Set<string>();
  const templateVariable = (name: unknown) =>
    typeof name === "string" ? ctx.templates.get(name) : undefined;
  for (const [key, value] of Object.entries(spec)) {
    if (key === "templates") continue;
    if (key === "entrypoint") {
      const info = templateVariable(value);
      if (info) roots.add(info.name);
      options.entrypoint = info ? new Code(info.variable) : (value as Printable);
    } else if (key === "onExit" && templateVariable(value)) {
      const info = templateVariable(value);
      if (info) {
        roots.add(info.name);
        options.onExit = new Code(info.variable);
      }
    } else if (key === "arguments") {
      const record = argsVariable ? undefined : argumentsRecord(value, scope);
      if (argsVariable) options.arguments = new Code(argsVariable);
      else if (record) options.arguments = record;
      else extra.arguments = renderValue(value, scope);
    } else if (key === "hooks") {
      const hooks = workflowHooks(value, ctx, scope, roots);
      if (hooks) options.hooks = hooks;
      else extra.hooks = renderValue(value, scope);
    } else if (key === "imagePullSecrets" && Array.isArray(value)) {
      const plain = value.every(
        (s) => isRecord(s) && Object.keys(s).join(",") === "name" && typeof s.name === "string",
      );
      options.imagePullSecrets = plain
        ? value.map((s) => (s as Json).name as string)
        : renderValue(value, scope);
    } else if (CRON_OPTION_NAMES.has(key) || key === "onExit" || key === "extra" || key === "metadata") {
      extra[key] = renderValue(value, scope);
    } else {
      options[key] = renderValue(value, scope);
    }
  }
  const listed = unreached(roots);
  if (listed.length > 0) options.templates = listed.map((variable) => new Code(variable));
  if (Object.keys(extra).length > 0) options.extra = extra;
  if (kind === "CronWorkflow") {
    const cron = resource.spec as Json;
    const cronExtra: PrintableObject = {};
    const schedules = Array.isArray(cron.schedules)
      ? cron.schedules
      : typeof cron.schedule === "string"
        ? [cron.schedule]
        : undefined;
    if (schedules) options.schedules = renderValue(schedules, scope);
    for (const [key, value] of Object.entries(cron)) {
      if (key === "workflowSpec" || key === "schedules" || (key === "schedule" && schedules)) continue;
      if (CRON_FIELDS[key]) options[CRON_FIELDS[key]] = renderValue(value, scope);
      else cronExtra[key] = renderValue(value, scope);
    }
    if (Object.keys(cronExtra).length > 0) options.cronExtra = cronExtra;
  }
  ctx.imports.add(BUILDERS[kind]);
  return `${BUILDERS[kind]}(${print(options)})`;
}
