import type {
  Template as ArgoTemplate,
  Arguments,
  CronWorkflowSpec,
  K8SLocalObjectReference,
  K8SObjectMeta,
  Spec,
  WorkflowSpec,
} from "../argo";
import { ARGO_API_VERSION } from "../argo";
import {
  type ArtifactDecl,
  type DeclMap,
  type ParamDecl,
  renderArtifact,
  renderParameter,
  toParameterString,
  type Value,
} from "./data";
import { TemplateDeclaration } from "./declare";
import { DslError, type SourceSite } from "./errors";
import { type Expr, exprText } from "./ex";
import { type Hook, hookTemplates, runnableFields } from "./graph";
import { clean, compact, deepMerge, passthrough } from "./merge";
import { callSite } from "./site";
import { type RenderContext, SkiffTemplate, TemplateRefHandle } from "./template";

/** Workflow arguments: a plain value (becomes `value`), a `param({...})`, or an `artifact({...})`. */
export type ArgumentInput = Value | ParamDecl | ArtifactDecl;

/** Names of the parameter (not artifact) entries of workflow arguments. */
export type ArgumentParamKeys<A> = { [K in keyof A]: A[K] extends ArtifactDecl ? never : K }[keyof A] &
  string;

/**
 * Workflow arguments declared once, usable as `arguments:` and as typed references. Argument artifacts have no
 * workflow-scope variable: Argo hands them to the entrypoint's input artifact of the same name.
 */
export class WorkflowArguments<A extends Record<string, ArgumentInput>> {
  readonly skiff = "arguments" as const;
  /** `{{workflow.parameters.x}}` by declared parameter name. */
  readonly refs: { readonly [K in ArgumentParamKeys<A>]: string };
  constructor(readonly values: A) {
    const refs: Record<string, string> = {};
    for (const [name, value] of Object.entries(values)) {
      if (!(isDecl(value) && value.kind === "artifact")) refs[name] = `{{workflow.parameters.${name}}}`;
    }
    this.refs = refs as { [K in ArgumentParamKeys<A>]: string };
  }
}

/** Declares workflow arguments once: `const args = workflowArguments({ n: 3 })`, then `args.refs.n`. */
export function workflowArguments<const A extends Record<string, ArgumentInput>>(
  values: A,
): WorkflowArguments<A> {
  return new WorkflowArguments(values);
}

function isDecl(value: unknown): value is ParamDecl | ArtifactDecl {
  return typeof value === "object" && value !== null && "kind" in value && "options" in value;
}

function renderArgumentsInput(
  input: WorkflowArguments<Record<string, ArgumentInput>> | Record<string, ArgumentInput> | undefined,
): Arguments | undefined {
  if (input === undefined) return undefined;
  const values = input instanceof WorkflowArguments ? input.values : input;
  const parameters = [];
  const artifacts = [];
  for (const [name, value] of Object.entries(values)) {
    if (isDecl(value)) {
      if (value.kind === "artifact") artifacts.push(renderArtifact(name, value));
      else parameters.push(renderParameter(name, value));
    } else {
      parameters.push({ name, value: toParameterString(value) });
    }
  }
  return clean({
    parameters: parameters.length > 0 ? parameters : undefined,
    artifacts: artifacts.length > 0 ? artifacts : undefined,
  });
}

type SpecHandled =
  | "entrypoint"
  | "templates"
  | "arguments"
  | "onExit"
  | "hooks"
  | "imagePullSecrets"
  | "templateDefaults"
  | "workflowTemplateRef";

/**
 * Options of every kind of workflow: Skiff's typed fields plus every other Argo `WorkflowSpec` field as is
 * (serviceAccountName, parallelism, activeDeadlineSeconds, ttlStrategy, podGC, volumes, volumeClaimTemplates,
 * nodeSelector, tolerations, affinity, securityContext, podSpecPatch, synchronization, retryStrategy, ...).
 */
export interface WorkflowOptions extends Omit<WorkflowSpec, SpecHandled> {
  /** `metadata.name`; a Workflow may use `generateName` instead. */
  name?: string;
  /** `metadata.generateName` (Argo appends a random suffix); default none. */
  generateName?: string;
  /** Default: the namespace Skiff submits to. */
  namespace?: string;
  /** Labels of the workflow object; default none. */
  labels?: Record<string, string>;
  /** Annotations of the workflow object; default none. */
  annotations?: Record<string, string>;
  /** The template to run (or its declaration), or its name; required unless `workflowTemplateRef` is set. */
  entrypoint?: SkiffTemplate | TemplateDeclaration | string;
  /** Templates to include even if nothing runs them (e.g. for a WorkflowTemplate library); default: none. */
  templates?: readonly SkiffTemplate[];
  /** Workflow arguments (`{{workflow.parameters.x}}`); default: none. */
  arguments?: WorkflowArguments<Record<string, ArgumentInput>> | Record<string, ArgumentInput>;
  /** Exit handler: runs when the workflow ends, whatever its status; default: none. */
  onExit?: SkiffTemplate;
  /** Workflow-level lifecycle hooks; default: none. */
  hooks?: Record<string, Hook>;
  /** Image pull secrets by name (or Argo's objects); default: none. */
  imagePullSecrets?: readonly (string | K8SLocalObjectReference)[];
  /** Defaults merged into every template by Argo; default: none. */
  templateDefaults?: Partial<ArgoTemplate>;
  /** Run a stored WorkflowTemplate (a resource, its name, or `{ name, clusterScope }`); default: none. */
  workflowTemplateRef?: SkiffResource | string | { name: string; clusterScope?: boolean };
  /** Extra metadata fields; default none. */
  metadata?: Partial<K8SObjectMeta>;
  /** Escape hatch: any Argo `WorkflowSpec` field, deep-merged last. */
  extra?: Partial<WorkflowSpec>;
}

const WORKFLOW_KEYS = new Set([
  "name",
  "generateName",
  "namespace",
  "labels",
  "annotations",
  "entrypoint",
  "templates",
  "arguments",
  "onExit",
  "hooks",
  "imagePullSecrets",
  "templateDefaults",
  "workflowTemplateRef",
  "metadata",
  "extra",
]);

export type ResourceKind = "Workflow" | "WorkflowTemplate" | "ClusterWorkflowTemplate" | "CronWorkflow";

export interface CronOptions extends WorkflowOptions {
  /** Cron schedules (standard 5-field syntax); at least one. */
  schedules: readonly string[] | string;
  /** IANA time zone for the schedules; default: the controller's (UTC). */
  timezone?: string;
  /** `Allow` (default), `Forbid` or `Replace` when a run is still going at the next tick. */
  concurrencyPolicy?: "Allow" | "Forbid" | "Replace";
  /** Seconds after a missed tick during which a run may still start; default: Argo's. */
  startingDeadlineSeconds?: number;
  /** Finished runs kept; default: Argo's (3 succeeded, 1 failed). */
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
  /** Start suspended (no runs until resumed); default false. Not the workflow's own `suspend`. */
  cronSuspend?: boolean;
  /**
   * Stop scheduling when this expression holds (e.g. `cronworkflow.failed >= 3`, or
   * `{ expression: ex.ref("cronworkflow.failed").ge(3) }`); default: never.
   */
  stopStrategy?: { expression: string | Expr };
  /**
   * Only run a tick when this holds: a `{{= … }}` text, or an `ex(...)` expression (written as that tag);
   * default: always.
   */
  when?: string | Expr;
  /** Metadata of the created workflows; default none. */
  workflowMetadata?: K8SObjectMeta;
  /** Escape hatch for the CronWorkflow spec itself (the workflow spec has `extra`). */
  cronExtra?: Partial<CronWorkflowSpec>;
}

/** A CronWorkflow's own options (lib/import reads them to place a Spec's fields). */
export const CRON_KEYS: ReadonlySet<string> = new Set([
  "schedules",
  "timezone",
  "concurrencyPolicy",
  "startingDeadlineSeconds",
  "successfulJobsHistoryLimit",
  "failedJobsHistoryLimit",
  "cronSuspend",
  "stopStrategy",
  "when",
  "workflowMetadata",
  "cronExtra",
]);

// A CronWorkflow's own fields stay out of its workflowSpec; on other kinds `workflowMetadata` is the
// WorkflowSpec field of that name (labels, annotations, labelsFrom) and passes through like any other.
const CRON_HANDLED = new Set([...WORKFLOW_KEYS, ...CRON_KEYS]);

/** A compiled-to-Argo object: a Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow. */
export class SkiffResource {
  readonly skiff = "resource" as const;
  constructor(
    readonly kind: ResourceKind,
    readonly options: WorkflowOptions | CronOptions,
    readonly site: SourceSite | undefined,
  ) {}

  get name(): string | undefined {
    return this.options.name;
  }

  /** A `templateRef` to one of this (Cluster)WorkflowTemplate's templates, typed like the template. */
  templateRef<I extends DeclMap, O extends DeclMap>(template: SkiffTemplate<I, O>): TemplateRefHandle<I, O> {
    if (this.kind !== "WorkflowTemplate" && this.kind !== "ClusterWorkflowTemplate") {
      throw new DslError(`templateRef needs a WorkflowTemplate, not a ${this.kind}`, { site: this.site });
    }
    if (!this.options.name) {
      throw new DslError(
        `templateRef needs the ${this.kind}'s name; one created with generateName (${this.options.generateName ?? "none"}) gets its name only when stored`,
        { site: this.site },
      );
    }
    const ref = clean({
      name: this.options.name,
      template: template.name,
      clusterScope: this.kind === "ClusterWorkflowTemplate" ? true : undefined,
    });
    return new TemplateRefHandle(ref, template.inputs, template.outputs);
  }

  /** The Argo spec: plain JSON, no undefined values. */
  toSpec(): Spec {
    return this.render(new Map());
  }

  /** Spec paths (in the order `toSpec` emits them) → where user code created each object. */
  sites(): Record<string, SourceSite> {
    return this.specWithSites().sites;
  }

  /** `toSpec()` and `sites()` from one rendering (the build needs both; rendering is most of its cost). */
  specWithSites(): { spec: Spec; sites: Record<string, SourceSite> } {
    const { spec, sites } = this.specWithSiteList();
    return { spec, sites: Object.fromEntries(sites) };
  }

  /**
   * The same with the sites as `[path, site]` pairs in emission order: what the compiler sends out of
   * its sandbox (a record of thousands of paths costs more to build than the rendering itself).
   */
  specWithSiteList(): { spec: Spec; sites: [string, SourceSite][] } {
    const sites = new Map<string, SourceSite>();
    const spec = this.render(sites);
    return { spec, sites: [...sites] };
  }

  private render(sites: Map<string, SourceSite>): Spec {
    const o = this.options;
    const specPath = this.kind === "CronWorkflow" ? "spec.workflowSpec" : "spec";
    if (this.site) sites.set("metadata", this.site);
    if (this.kind !== "Workflow" && !o.name && !o.generateName)
      throw new DslError(`a ${this.kind} needs a name or a generateName`, { site: this.site });
    const templates = collectTemplates(o, this.site);
    const names = new Set(templates.map((template) => template.name));
    const entrypoint = typeof o.entrypoint === "string" ? o.entrypoint : o.entrypoint?.name;
    if (entrypoint !== undefined && !names.has(entrypoint) && o.workflowTemplateRef === undefined) {
      throw new DslError(
        `unknown entrypoint "${entrypoint}"; templates: ${[...names].join(", ") || "(none)"}`,
        { site: this.site },
      );
    }
    const renderedTemplates = templates.map((template, index) => {
      const ctx: RenderContext = { sites, path: `${specPath}.templates[${index}]` };
      if (template.site) sites.set(ctx.path, template.site);
      return template.render(ctx);
    });
    const generated: WorkflowSpec = compact({
      ...(clean(passthrough(o, this.kind === "CronWorkflow" ? CRON_HANDLED : WORKFLOW_KEYS)) as WorkflowSpec),
      entrypoint,
      templates: renderedTemplates.length > 0 ? renderedTemplates : undefined,
      arguments: renderArgumentsInput(o.arguments),
      onExit: o.onExit?.name,
      hooks: renderWorkflowHooks(o.hooks),
      imagePullSecrets: o.imagePullSecrets?.map((secret) =>
        typeof secret === "string" ? { name: secret } : secret,
      ),
      templateDefaults: o.templateDefaults === undefined ? undefined : clean(o.templateDefaults),
      workflowTemplateRef: workflowTemplateRefOf(o.workflowTemplateRef),
    });
    const spec = o.extra === undefined ? generated : clean(deepMerge(generated, o.extra));
    const metadata: K8SObjectMeta = clean({
      ...o.metadata,
      name: o.name,
      generateName: o.generateName,
      namespace: o.namespace,
      labels: o.labels ?? o.metadata?.labels,
      annotations: o.annotations ?? o.metadata?.annotations,
    });
    if (this.kind === "CronWorkflow") {
      const c = o as CronOptions;
      const cronSpec: CronWorkflowSpec = deepMerge(
        clean({
          schedules: typeof c.schedules === "string" ? [c.schedules] : [...c.schedules],
          timezone: c.timezone,
          concurrencyPolicy: c.concurrencyPolicy,
          startingDeadlineSeconds: c.startingDeadlineSeconds,
          successfulJobsHistoryLimit: c.successfulJobsHistoryLimit,
          failedJobsHistoryLimit: c.failedJobsHistoryLimit,
          suspend: c.cronSuspend,
          stopStrategy: c.stopStrategy && { expression: exprText(c.stopStrategy.expression, "expr") },
          when: c.when === undefined ? undefined : exprText(c.when, "tag"),
          workflowMetadata: c.workflowMetadata,
          workflowSpec: spec,
        }),
        c.cronExtra,
      );
      return { apiVersion: ARGO_API_VERSION, kind: "CronWorkflow", metadata, spec: cronSpec };
    }
    return { apiVersion: ARGO_API_VERSION, kind: this.kind, metadata, spec } as Spec;
  }
}

function renderWorkflowHooks(hooks: Record<string, Hook> | undefined): WorkflowSpec["hooks"] {
  if (!hooks) return undefined;
  const out: NonNullable<WorkflowSpec["hooks"]> = {};
  for (const [name, hook] of Object.entries(hooks)) {
    const args = hook.args
      ? clean({
          parameters: Object.entries(hook.args).map(([arg, value]) => ({
            name: arg,
            value: toParameterString(value as Value),
          })),
        })
      : undefined;
    const expression = hook.expression === undefined ? undefined : exprText(hook.expression, "expr");
    out[name] = clean({ ...runnableFields(hook.template), arguments: args, expression });
  }
  return out;
}

function workflowTemplateRefOf(
  ref: WorkflowOptions["workflowTemplateRef"],
): WorkflowSpec["workflowTemplateRef"] {
  if (ref === undefined) return undefined;
  if (typeof ref === "string") return { name: ref };
  if (ref instanceof SkiffResource) {
    if (!ref.name) {
      throw new DslError(
        `workflowTemplateRef needs the ${ref.kind}'s name; one created with generateName gets its name only when stored`,
        { site: ref.site },
      );
    }
    return clean({ name: ref.name, clusterScope: ref.kind === "ClusterWorkflowTemplate" ? true : undefined });
  }
  return clean({ name: ref.name, clusterScope: ref.clusterScope });
}

/** Every template the workflow runs, once each: explicit ones first, then from the entrypoint, exit handler, hooks. */
function collectTemplates(o: WorkflowOptions, site: SourceSite | undefined): SkiffTemplate[] {
  const ordered: SkiffTemplate[] = [];
  const byName = new Map<string, SkiffTemplate>();
  const visit = (template: SkiffTemplate): void => {
    const known = byName.get(template.name);
    if (known === template) return;
    if (known) {
      const first = known.site
        ? ` (first defined at ${known.site.file}:${known.site.line}:${known.site.column})`
        : "";
      throw new DslError(`duplicate template name "${template.name}"${first}`, {
        site: template.site ?? site,
      });
    }
    byName.set(template.name, template);
    ordered.push(template);
    for (const used of template.uses()) visit(used);
  };
  const roots: SkiffTemplate[] = [
    ...(o.templates ?? []),
    ...(o.entrypoint instanceof SkiffTemplate ? [o.entrypoint] : []),
    ...(o.entrypoint instanceof TemplateDeclaration ? [o.entrypoint.resolve()] : []),
    ...(o.onExit ? [o.onExit] : []),
    ...hookTemplates(o.hooks),
  ];
  for (const template of roots) {
    if (!(template instanceof SkiffTemplate)) {
      throw new DslError("templates must be created with the DSL's builders (container, script, dag, ...)", {
        site,
      });
    }
    visit(template);
  }
  return ordered;
}

/** A Workflow: what a pipeline usually exports. */
export function workflow(options: WorkflowOptions): SkiffResource {
  return new SkiffResource("Workflow", options, callSite(workflow));
}

/** `metadata.name`, or `metadata.generateName` (the cluster appends a suffix when the object is created). */
export type ResourceName = { name: string } | { name?: undefined; generateName: string };

/** A WorkflowTemplate: stored in the cluster, run by reference or submitted. */
export function workflowTemplate(options: WorkflowOptions & ResourceName): SkiffResource {
  return new SkiffResource("WorkflowTemplate", options, callSite(workflowTemplate));
}

/** A ClusterWorkflowTemplate: like a WorkflowTemplate, cluster-scoped. */
export function clusterWorkflowTemplate(options: WorkflowOptions & ResourceName): SkiffResource {
  return new SkiffResource("ClusterWorkflowTemplate", options, callSite(clusterWorkflowTemplate));
}

/** A CronWorkflow: runs the workflow on `schedules` (in `timezone`), with a `concurrencyPolicy`. */
export function cronWorkflow(options: CronOptions & ResourceName): SkiffResource {
  const site = callSite(cronWorkflow);
  const schedules = typeof options.schedules === "string" ? [options.schedules] : options.schedules;
  if (!schedules || schedules.length === 0) {
    throw new DslError("a CronWorkflow needs at least one schedule", { site });
  }
  return new SkiffResource("CronWorkflow", options, site);
}

export function isSkiffResource(value: unknown): value is SkiffResource {
  return (
    value instanceof SkiffResource ||
    (typeof value === "object" && value !== null && (value as { skiff?: unknown }).skiff === "resource")
  );
}

/** Spec paths (e.g. `spec.templates[1].dag.tasks[0]`) → where user code created each object. */
export function specSites(resource: SkiffResource): Record<string, SourceSite> {
  return resource.sites();
}

/** The spec and its sites from one rendering. */
export function specWithSites(resource: SkiffResource): {
  spec: Spec;
  sites: Record<string, SourceSite>;
} {
  return resource.specWithSites();
}
