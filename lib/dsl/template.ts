import type {
  Template as ArgoTemplate,
  HTTP,
  HTTPHeader,
  K8SContainer,
  K8SPodSecurityContext,
  ResourceTemplate,
  ScriptTemplate,
  TemplateRef,
} from "../argo";
import type { DeclMap } from "./data";
import { renderIo } from "./data";
import type { TemplateDeclaration } from "./declare";
import { type EnvInput, renderEnv } from "./env";
import { DslError, type SourceSite } from "./errors";
import { clean, compact, deepMerge, nonEmpty, passthrough } from "./merge";
import { callSite } from "./site";

/** Collects the call sites of everything rendered, keyed by spec path (see `specSites`). */
export interface RenderContext {
  readonly sites: Map<string, SourceSite>;
  /** Spec path of the template being rendered, e.g. `spec.templates[2]`. */
  readonly path: string;
}

/**
 * Anything a task or step can run: a template of this workflow, one declared to be defined later (`declare`,
 * a DAG's `self`), or a reference to one stored in the cluster.
 */
export type Runnable<I extends DeclMap = DeclMap, O extends DeclMap = DeclMap> =
  | SkiffTemplate<I, O>
  | TemplateDeclaration<I, O>
  | TemplateRefHandle<I, O>;

/** A template: rendered into `spec.templates`, run by tasks and steps, reusable across pipelines as a TS value. */
export class SkiffTemplate<out I extends DeclMap = DeclMap, out O extends DeclMap = DeclMap> {
  readonly skiff = "template" as const;

  constructor(
    readonly name: string,
    readonly inputs: I,
    readonly outputs: O,
    readonly site: SourceSite | undefined,
    private readonly body: (ctx: RenderContext) => ArgoTemplate,
    /** Templates this one runs (DAG tasks, steps, exit handlers, hooks), collected into the workflow. */
    readonly uses: () => readonly SkiffTemplate[] = () => [],
  ) {
    if (!name) throw new DslError("a template needs a non-empty name", { site });
  }

  render(ctx: RenderContext): ArgoTemplate {
    return this.body(ctx);
  }
}

/** A template that lives in a WorkflowTemplate (or ClusterWorkflowTemplate), declared with its interface. */
export class TemplateRefHandle<out I extends DeclMap = DeclMap, out O extends DeclMap = DeclMap> {
  readonly skiff = "templateRef" as const;
  constructor(
    readonly ref: TemplateRef,
    readonly inputs: I,
    readonly outputs: O,
  ) {}
  get name(): string {
    return this.ref.template ?? "";
  }
}

export interface TemplateRefOptions<I extends DeclMap, O extends DeclMap> {
  /** The WorkflowTemplate (or ClusterWorkflowTemplate) name. */
  name: string;
  /** The template inside it. */
  template: string;
  /** Default: false (a namespaced WorkflowTemplate). */
  clusterScope?: boolean;
  /** Its inputs, so that task arguments are type-checked; default: none declared. */
  inputs?: I;
  /** Its outputs, so that `task.outputs.x` is type-checked; default: none declared. */
  outputs?: O;
}

/** A reference to a template stored in the cluster (`templateRef`), typed by the interface you declare. */
export function templateRef<
  I extends DeclMap = Record<never, never>,
  O extends DeclMap = Record<never, never>,
>(options: TemplateRefOptions<I, O>): TemplateRefHandle<I, O> {
  const ref = clean({ name: options.name, template: options.template, clusterScope: options.clusterScope });
  return new TemplateRefHandle(ref, options.inputs ?? ({} as I), options.outputs ?? ({} as O));
}

// ---------------------------------------------------------------------------------------------------------
// Options shared by every template.

type TemplateBodies =
  | "name"
  | "inputs"
  | "outputs"
  | "container"
  | "containerSet"
  | "script"
  | "resource"
  | "suspend"
  | "http"
  | "dag"
  | "steps"
  | "data"
  | "plugin"
  | "securityContext";

/**
 * Everything a template accepts: Skiff's typed inputs/outputs plus every other Argo template field as is
 * (retryStrategy, timeout, activeDeadlineSeconds, parallelism, failFast, synchronization, memoize, nodeSelector,
 * tolerations, affinity, serviceAccountName, podSpecPatch, sidecars, initContainers, volumes, metadata, ...).
 */
export interface TemplateOptions<I extends DeclMap, O extends DeclMap>
  extends Omit<ArgoTemplate, TemplateBodies> {
  name: string;
  /** Input parameters and artifacts by name; default: none. */
  inputs?: I;
  /** Output parameters and artifacts by name; default: none (`result` exists anyway for scripts/containers). */
  outputs?: O;
  /** Pod labels (`metadata.labels`); default: none. */
  labels?: Record<string, string>;
  /** Pod annotations (`metadata.annotations`); default: none. */
  podAnnotations?: Record<string, string>;
  /** The pod's security context (Argo's template-level `securityContext`); default: none. */
  podSecurityContext?: K8SPodSecurityContext;
  /** Escape hatch: any Argo template field, deep-merged last over what Skiff generated. */
  extra?: Partial<ArgoTemplate>;
}

const COMMON_KEYS = new Set([
  "name",
  "inputs",
  "outputs",
  "labels",
  "podAnnotations",
  "podSecurityContext",
  "extra",
]);

function commonFields(
  options: TemplateOptions<DeclMap, DeclMap>,
  bodyKeys: ReadonlySet<string>,
): ArgoTemplate {
  const rest = passthrough(options, new Set([...COMMON_KEYS, ...bodyKeys]));
  const metadata = nonEmpty(
    clean({
      ...(rest.metadata as object | undefined),
      labels: options.labels,
      annotations: options.podAnnotations,
    }),
  );
  return clean({
    name: options.name,
    inputs: renderIo(options.inputs),
    outputs: renderIo(options.outputs),
    ...rest,
    metadata,
    securityContext: options.podSecurityContext,
  });
}

/** Builds a SkiffTemplate from common options and the one Argo body field this kind of template has. */
export function defineTemplate<I extends DeclMap, O extends DeclMap>(
  options: TemplateOptions<I, O>,
  bodyKeys: ReadonlySet<string>,
  body: (ctx: RenderContext) => Partial<ArgoTemplate>,
  site: SourceSite | undefined,
  uses?: () => readonly SkiffTemplate[],
): SkiffTemplate<I, O> {
  const typed = options as TemplateOptions<DeclMap, DeclMap>;
  return new SkiffTemplate<I, O>(
    options.name,
    options.inputs ?? ({} as I),
    options.outputs ?? ({} as O),
    site,
    (ctx) => {
      // Both parts are already clean; only a user-supplied `extra` needs a deep pass.
      const merged = { ...commonFields(typed, bodyKeys), ...body(ctx) };
      return options.extra === undefined ? compact(merged) : clean(deepMerge(merged, options.extra));
    },
    uses,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Container-like templates (container, script).

/** The container fields container()/script() take at the top level of their options (Kubernetes' names). */
export const CONTAINER_KEYS: ReadonlySet<string> = new Set<string>([
  "args",
  "command",
  "env",
  "envFrom",
  "image",
  "imagePullPolicy",
  "lifecycle",
  "livenessProbe",
  "ports",
  "readinessProbe",
  "resizePolicy",
  "resources",
  "restartPolicy",
  "restartPolicyRules",
  "securityContext",
  "startupProbe",
  "stdin",
  "stdinOnce",
  "terminationMessagePath",
  "terminationMessagePolicy",
  "tty",
  "volumeDevices",
  "volumeMounts",
  "workingDir",
]);

/** Container fields (Kubernetes' own names); `securityContext` here is the container's. */
export interface ContainerFields extends Omit<K8SContainer, "name" | "env" | "image"> {
  /** Environment: `{ NAME: value | secretEnv(...) | configMapEnv(...) }` or Argo's list; default: none. */
  env?: EnvInput;
}

function containerPart(options: ContainerFields & { image?: string }): K8SContainer {
  const fields: Record<string, unknown> = {};
  for (const key of CONTAINER_KEYS) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) fields[key] = value;
  }
  return clean({ ...fields, image: options.image ?? "", env: renderEnv(options.env) });
}

export interface ContainerOptions<I extends DeclMap, O extends DeclMap>
  extends TemplateOptions<I, O>,
    ContainerFields {
  image: string;
}

/** A container template: runs `command`/`args` in `image`. */
export function container<I extends DeclMap = Record<never, never>, O extends DeclMap = Record<never, never>>(
  options: ContainerOptions<I, O>,
): SkiffTemplate<I, O> {
  const site = callSite(container);
  return defineTemplate(options, CONTAINER_KEYS, () => ({ container: containerPart(options) }), site);
}

export interface ScriptOptions<I extends DeclMap, O extends DeclMap>
  extends TemplateOptions<I, O>,
    ContainerFields {
  image: string;
  /** The program; Argo writes it to a file and appends the file's path to `command`. */
  source: string;
}

/** A script template with an explicit image and interpreter (`command`). */
export function script<I extends DeclMap = Record<never, never>, O extends DeclMap = Record<never, never>>(
  options: ScriptOptions<I, O>,
): SkiffTemplate<I, O> {
  return scriptTemplate(options, callSite(script));
}

export function scriptTemplate<I extends DeclMap, O extends DeclMap>(
  options: ScriptOptions<I, O>,
  site: SourceSite | undefined,
): SkiffTemplate<I, O> {
  const keys = new Set([...CONTAINER_KEYS, "source"]);
  return defineTemplate(
    options,
    keys,
    () => ({ script: { ...containerPart(options), source: options.source } as ScriptTemplate }),
    site,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Resource, suspend, http and raw templates.

export interface ResourceOptions<I extends DeclMap, O extends DeclMap>
  extends TemplateOptions<I, O>,
    Omit<ResourceTemplate, "manifest"> {
  /** The Kubernetes object, as YAML/JSON text or as an object (rendered as JSON, which is YAML). */
  manifest?: string | Record<string, unknown>;
}

/** The resource template's fields resource() takes at the top level of its options. */
export const RESOURCE_KEYS: ReadonlySet<string> = new Set([
  "action",
  "manifest",
  "manifestFrom",
  "successCondition",
  "failureCondition",
  "setOwnerReference",
  "flags",
  "mergeStrategy",
]);

/** A resource template: create/apply/patch/delete/get a Kubernetes object and wait for conditions. */
export function resource<I extends DeclMap = Record<never, never>, O extends DeclMap = Record<never, never>>(
  options: ResourceOptions<I, O>,
): SkiffTemplate<I, O> {
  const site = callSite(resource);
  const manifest =
    typeof options.manifest === "object" ? JSON.stringify(options.manifest, null, 2) : options.manifest;
  return defineTemplate(
    options,
    RESOURCE_KEYS,
    () => ({
      resource: clean({
        action: options.action,
        manifest,
        manifestFrom: options.manifestFrom,
        successCondition: options.successCondition,
        failureCondition: options.failureCondition,
        setOwnerReference: options.setOwnerReference,
        flags: options.flags,
        mergeStrategy: options.mergeStrategy,
      }),
    }),
    site,
  );
}

export interface SuspendOptions<I extends DeclMap, O extends DeclMap> extends TemplateOptions<I, O> {
  /** How long to wait before resuming by itself (`"30"`, `"10m"`); default: until resumed. */
  duration?: string | number;
}

/** A suspend template: waits for a duration or for someone to resume it (outputs may be `supplied`). */
export function suspend<I extends DeclMap = Record<never, never>, O extends DeclMap = Record<never, never>>(
  options: SuspendOptions<I, O>,
): SkiffTemplate<I, O> {
  const site = callSite(suspend);
  const duration = options.duration === undefined ? undefined : String(options.duration);
  return defineTemplate(options, new Set(["duration"]), () => ({ suspend: clean({ duration }) }), site);
}

export interface HttpOptions<I extends DeclMap, O extends DeclMap>
  extends TemplateOptions<I, O>,
    Omit<HTTP, "headers"> {
  /** Headers as a record or Argo's list; default: none. */
  headers?: Record<string, string> | HTTPHeader[];
}

/** The HTTP template's fields http() takes at the top level of its options. */
export const HTTP_KEYS: ReadonlySet<string> = new Set([
  "url",
  "method",
  "headers",
  "body",
  "bodyFrom",
  "successCondition",
  "timeoutSeconds",
  "insecureSkipVerify",
]);

/** An HTTP template: Argo's agent makes the request; `outputs.result` is the response body. */
export function http<I extends DeclMap = Record<never, never>, O extends DeclMap = Record<never, never>>(
  options: HttpOptions<I, O>,
): SkiffTemplate<I, O> {
  const site = callSite(http);
  const headers = Array.isArray(options.headers)
    ? options.headers
    : options.headers && Object.entries(options.headers).map(([name, value]) => ({ name, value }));
  return defineTemplate(
    options,
    HTTP_KEYS,
    () => ({
      http: clean({
        url: options.url,
        method: options.method,
        headers,
        body: options.body,
        bodyFrom: options.bodyFrom,
        successCondition: options.successCondition,
        timeoutSeconds: options.timeoutSeconds,
        insecureSkipVerify: options.insecureSkipVerify,
      }),
    }),
    site,
  );
}

/**
 * Escape hatch: a template written as Argo's own object (containerSet, data, plugin, ...), with typed
 * inputs/outputs declared for wiring.
 */
export function rawTemplate<
  I extends DeclMap = Record<never, never>,
  O extends DeclMap = Record<never, never>,
>(template: ArgoTemplate & { name: string }, io: { inputs?: I; outputs?: O } = {}): SkiffTemplate<I, O> {
  const site = callSite(rawTemplate);
  return new SkiffTemplate<I, O>(template.name, io.inputs ?? ({} as I), io.outputs ?? ({} as O), site, () =>
    clean({
      ...template,
      inputs: template.inputs ?? renderIo(io.inputs),
      outputs: template.outputs ?? renderIo(io.outputs),
    }),
  );
}
