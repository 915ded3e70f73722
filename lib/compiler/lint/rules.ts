import { findCycle } from "../../argo/cycles";
import { parseDepends, TASK_RESULTS } from "../../argo/depends";
import {
  TEMPLATES_WITH_WORKFLOW_TEMPLATE_REF,
  templatesBesideWorkflowTemplateRef,
} from "../../argo/join-spec";
import type { Diagnostic } from "../diagnostics";
import { errorAt } from "../diagnostics";
import { checkItemFields } from "./item-fields";
import { asArray, isObject, type Json, nameOf } from "./json";
import type { NamespacePolicy } from "./namespaces";
import { checkReferences } from "./references";
import type { ServiceAccountPolicy } from "./service-accounts";

// Argo's rules that its JSON Schema cannot express (workflow/validate in Argo, and the v4 CRD's CEL rules).
export const LIMITS = {
  /** etcd's default request limit; Argo rejects larger objects. */
  specBytes: 1024 * 1024,
  templatesPerWorkflow: 200,
  tasksPerDag: 200,
  /** Names become Kubernetes label values. */
  objectName: 63,
  /** Cron workflows append `-<unix time>` to their name. */
  cronWorkflowName: 52,
  fieldName: 128,
};

export const TEMPLATE_TYPES = [
  "container",
  "containerSet",
  "script",
  "resource",
  "suspend",
  "dag",
  "steps",
  "http",
  "data",
  "plugin",
] as const;

const FIELD_NAME = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/;
const PARAM_NAME = /^[-a-zA-Z0-9_]+$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_PREFIX = /^[a-z0-9][-a-z0-9.]*$/;

/** The workflow spec inside a spec, with its path (`spec`, or `spec.workflowSpec` for a CronWorkflow). */
export function workflowSpec(resource: Json): { spec: Json; path: string } | undefined {
  const spec = resource.spec;
  if (!isObject(spec)) return undefined;
  if (resource.kind === "CronWorkflow") {
    return isObject(spec.workflowSpec) ? { spec: spec.workflowSpec, path: "spec.workflowSpec" } : undefined;
  }
  return { spec, path: "spec" };
}

export function argoRules(resource: Json, options: LintOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  checkSize(resource, options.jsonBytesAtMost, out);
  checkMetadata(resource, out);
  const found = workflowSpec(resource);
  if (!found) return out;
  const { spec, path } = found;
  const templates = asArray(spec.templates);
  const byName = new Map<string, Json>();
  if (templates.length > LIMITS.templatesPerWorkflow) {
    out.push(
      errorAt(
        "limits.templates",
        `a workflow may have at most ${LIMITS.templatesPerWorkflow} templates (has ${templates.length})`,
        undefined,
        `${path}.templates`,
      ),
    );
  }
  templates.forEach((template, i) => {
    const name = nameOf(template);
    const at = `${path}.templates[${i}]`;
    if (name === undefined) return;
    checkFieldName(name, "template", `${at}.name`, out);
    if (byName.has(name))
      out.push(errorAt("name.duplicate", `duplicate template name "${name}"`, undefined, `${at}.name`));
    else if (isObject(template)) byName.set(name, template);
  });
  checkEntrypoint(resource, spec, path, byName, out);
  checkArgumentNames(spec.arguments, `${path}.arguments`, out);
  templates.forEach((template, i) => {
    if (isObject(template)) checkTemplate(template, `${path}.templates[${i}]`, byName, out);
  });
  out.push(...checkReferences(spec, path, resource.kind));
  return out;
}

export interface LintOptions {
  /**
   * A bound the caller knows on the size of the spec's JSON, in bytes (the compiler has the JSON text
   * the spec was parsed from). Default: none; the spec is serialized to measure it.
   */
  jsonBytesAtMost?: number;
  /** The deployment's service account rule (lib/compiler/lint/service-accounts.ts). Default: not checked. */
  serviceAccounts?: ServiceAccountPolicy;
  /** The deployment's namespace rule (lib/compiler/lint/namespaces.ts). Default: not checked. */
  namespaces?: NamespacePolicy;
}

function checkSize(spec: Json, bytesAtMost: number | undefined, out: Diagnostic[]): void {
  if (bytesAtMost !== undefined && bytesAtMost <= LIMITS.specBytes) return;
  const bytes = Buffer.byteLength(JSON.stringify(spec), "utf8");
  if (bytes > LIMITS.specBytes) {
    out.push(
      errorAt(
        "limits.size",
        `the spec is ${bytes} bytes; Kubernetes (etcd) accepts at most ${LIMITS.specBytes}`,
      ),
    );
  }
}

function checkMetadata(spec: Json, out: Diagnostic[]): void {
  const metadata = isObject(spec.metadata) ? spec.metadata : {};
  const max = spec.kind === "CronWorkflow" ? LIMITS.cronWorkflowName : LIMITS.objectName;
  if (typeof metadata.name === "string") {
    const name = metadata.name;
    if (name.length > max) {
      out.push(
        errorAt(
          "name.length",
          `${spec.kind} name "${name}" is ${name.length} characters; at most ${max} are allowed`,
          undefined,
          "metadata.name",
        ),
      );
    }
    if (!DNS_SUBDOMAIN.test(name)) {
      out.push(
        errorAt(
          "name.format",
          `name "${name}" must be a DNS-1123 name: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit`,
          undefined,
          "metadata.name",
        ),
      );
    }
  } else if (typeof metadata.generateName === "string") {
    const prefix = metadata.generateName;
    if (!DNS_PREFIX.test(prefix)) {
      out.push(
        errorAt(
          "name.format",
          `generateName "${prefix}" must start with a lower-case letter or digit and contain only lower-case letters, digits, '-' and '.'`,
          undefined,
          "metadata.generateName",
        ),
      );
    }
  }
}

function checkFieldName(name: string, what: string, path: string, out: Diagnostic[]): void {
  if (name.length > LIMITS.fieldName) {
    out.push(
      errorAt(
        "name.length",
        `${what} name "${name}" is longer than ${LIMITS.fieldName} characters`,
        undefined,
        path,
      ),
    );
  }
  if (!FIELD_NAME.test(name)) {
    out.push(
      errorAt(
        "name.format",
        `${what} name "${name}" must consist of letters, digits and '-', starting with a letter or digit`,
        undefined,
        path,
      ),
    );
  }
}

function checkEntrypoint(
  resource: Json,
  spec: Json,
  path: string,
  byName: Map<string, Json>,
  out: Diagnostic[],
): void {
  const fromTemplateRef = isObject(spec.workflowTemplateRef);
  if (fromTemplateRef && templatesBesideWorkflowTemplateRef(spec)) {
    out.push(
      errorAt(
        "workflowTemplateRef.templates",
        `${TEMPLATES_WITH_WORKFLOW_TEMPLATE_REF}: Argo refuses a workflow that runs a WorkflowTemplate and has templates of its own`,
        undefined,
        `${path}.templates`,
      ),
    );
  }
  const entrypoint = spec.entrypoint;
  const required = resource.kind === "Workflow" || resource.kind === "CronWorkflow";
  if (typeof entrypoint !== "string" || entrypoint === "") {
    if (required && !fromTemplateRef) {
      out.push(errorAt("entrypoint.missing", "spec.entrypoint is required", undefined, `${path}.entrypoint`));
    }
  } else if (!fromTemplateRef && !byName.has(entrypoint)) {
    out.push(
      errorAt(
        "entrypoint.unknown",
        `entrypoint "${entrypoint}" is not a template of this workflow`,
        undefined,
        `${path}.entrypoint`,
      ),
    );
  }
  if (typeof spec.onExit === "string" && !fromTemplateRef && !byName.has(spec.onExit)) {
    out.push(
      errorAt(
        "reference.template",
        `onExit template "${spec.onExit}" is not a template of this workflow`,
        undefined,
        `${path}.onExit`,
      ),
    );
  }
  checkHooks(spec.hooks, `${path}.hooks`, fromTemplateRef ? undefined : byName, out);
}

function checkHooks(
  hooks: unknown,
  path: string,
  byName: Map<string, Json> | undefined,
  out: Diagnostic[],
): void {
  if (!isObject(hooks)) return;
  for (const [event, hook] of Object.entries(hooks)) {
    if (!isObject(hook)) continue;
    if (event !== "exit" && (typeof hook.expression !== "string" || hook.expression === "")) {
      out.push(
        errorAt(
          "hook.expression",
          `lifecycle hook "${event}" needs an expression (only "exit" runs unconditionally)`,
          undefined,
          `${path}.${event}`,
        ),
      );
    }
    if (byName && typeof hook.template === "string" && !byName.has(hook.template)) {
      out.push(
        errorAt(
          "reference.template",
          `hook "${event}" calls unknown template "${hook.template}"`,
          undefined,
          `${path}.${event}.template`,
        ),
      );
    }
  }
}

function checkArgumentNames(args: unknown, path: string, out: Diagnostic[]): void {
  if (!isObject(args)) return;
  for (const kind of ["parameters", "artifacts"] as const) {
    const seen = new Set<string>();
    asArray(args[kind]).forEach((item, i) => {
      const name = nameOf(item);
      if (name === undefined) return;
      const at = `${path}.${kind}[${i}].name`;
      if (!PARAM_NAME.test(name)) {
        out.push(
          errorAt(
            "name.format",
            `${kind === "parameters" ? "parameter" : "artifact"} name "${name}" must consist of letters, digits, '_' and '-'`,
            undefined,
            at,
          ),
        );
      }
      if (seen.has(name))
        out.push(
          errorAt(
            "name.duplicate",
            `duplicate ${kind === "parameters" ? "parameter" : "artifact"} "${name}"`,
            undefined,
            at,
          ),
        );
      seen.add(name);
    });
  }
}

function checkTemplate(template: Json, path: string, byName: Map<string, Json>, out: Diagnostic[]): void {
  const types = TEMPLATE_TYPES.filter((type) => template[type] !== undefined && template[type] !== null);
  const name = nameOf(template) ?? "?";
  if (types.length > 1) {
    out.push(
      errorAt(
        "template.type",
        `template "${name}" has ${types.length} types (${types.join(", ")}); a template has exactly one`,
        undefined,
        path,
      ),
    );
  } else if (types.length === 0) {
    out.push(
      errorAt(
        "template.type",
        `template "${name}" has no type: give it one of ${TEMPLATE_TYPES.join(", ")}`,
        undefined,
        path,
      ),
    );
  }
  checkArgumentNames(template.inputs, `${path}.inputs`, out);
  checkArgumentNames(template.outputs, `${path}.outputs`, out);
  if (isObject(template.dag)) checkDag(template.dag, `${path}.dag`, name, byName, out);
  if (Array.isArray(template.steps)) checkSteps(template.steps, `${path}.steps`, byName, out);
}

function checkCall(
  call: Json,
  what: string,
  path: string,
  byName: Map<string, Json>,
  out: Diagnostic[],
): void {
  const targets = ["template", "templateRef", "inline"].filter((k) => call[k] !== undefined);
  if (targets.length !== 1) {
    out.push(
      errorAt(
        "reference.template",
        `${what} must set exactly one of template, templateRef, inline`,
        undefined,
        path,
      ),
    );
  }
  if (typeof call.template === "string" && !byName.has(call.template)) {
    out.push(
      errorAt(
        "reference.template",
        `${what} calls unknown template "${call.template}"`,
        undefined,
        `${path}.template`,
      ),
    );
  }
  checkArgumentNames(call.arguments, `${path}.arguments`, out);
  checkHooks(call.hooks, `${path}.hooks`, byName, out);
  checkItemFields(call, what, path, out);
}

/** Direct dependencies of every task (from `dependencies` or `depends`), reporting malformed ones. */
function taskDependencies(tasks: Json[], path: string, out: Diagnostic[]): Map<string, string[]> {
  const names = new Set(tasks.map((t) => nameOf(t)).filter((n): n is string => n !== undefined));
  const deps = new Map<string, string[]>();
  tasks.forEach((task, i) => {
    const name = nameOf(task);
    if (name === undefined) return;
    const at = `${path}.tasks[${i}]`;
    const direct: string[] = [];
    asArray(task.dependencies).forEach((dep, j) => {
      if (typeof dep !== "string") return;
      if (!names.has(dep)) {
        out.push(
          errorAt(
            "reference.task",
            `task "${name}" depends on unknown task "${dep}"`,
            undefined,
            `${at}.dependencies[${j}]`,
          ),
        );
      } else direct.push(dep);
    });
    if (typeof task.depends === "string") {
      const operands = parseDepends(task.depends);
      if (operands === undefined) {
        out.push(
          errorAt(
            "depends.syntax",
            `task "${name}" has a malformed depends expression "${task.depends}"`,
            undefined,
            `${at}.depends`,
          ),
        );
      }
      for (const operand of operands ?? []) {
        if (!names.has(operand.task)) {
          out.push(
            errorAt(
              "reference.task",
              `task "${name}" depends on unknown task "${operand.task}"`,
              undefined,
              `${at}.depends`,
            ),
          );
        } else direct.push(operand.task);
        if (operand.result !== undefined && !(TASK_RESULTS as readonly string[]).includes(operand.result)) {
          out.push(
            errorAt(
              "depends.result",
              `task "${name}" uses unknown result "${operand.result}" in depends (use one of ${TASK_RESULTS.join(", ")})`,
              undefined,
              `${at}.depends`,
            ),
          );
        }
      }
    }
    deps.set(name, direct);
  });
  return deps;
}

function checkDag(
  dag: Json,
  path: string,
  templateName: string,
  byName: Map<string, Json>,
  out: Diagnostic[],
): void {
  const tasks = asArray(dag.tasks).filter(isObject);
  if (tasks.length > LIMITS.tasksPerDag) {
    out.push(
      errorAt(
        "limits.tasks",
        `a DAG may have at most ${LIMITS.tasksPerDag} tasks (has ${tasks.length})`,
        undefined,
        `${path}.tasks`,
      ),
    );
  }
  const seen = new Set<string>();
  let usesDepends = false;
  let usesDependencies = false;
  tasks.forEach((task, i) => {
    const at = `${path}.tasks[${i}]`;
    const name = nameOf(task);
    if (name !== undefined) {
      checkFieldName(name, "task", `${at}.name`, out);
      if (seen.has(name))
        out.push(
          errorAt(
            "name.duplicate",
            `duplicate task name "${name}" in DAG "${templateName}"`,
            undefined,
            `${at}.name`,
          ),
        );
      seen.add(name);
    }
    checkCall(task, `task "${name ?? i}"`, at, byName, out);
    const hasDepends = typeof task.depends === "string" && task.depends !== "";
    const hasDependencies = asArray(task.dependencies).length > 0;
    if (hasDepends && hasDependencies) {
      out.push(
        errorAt("dag.depends", `task "${name}" sets both depends and dependencies; use one`, undefined, at),
      );
    } else if ((hasDepends && usesDependencies) || (hasDependencies && usesDepends)) {
      out.push(
        errorAt(
          "dag.depends",
          `DAG "${templateName}" mixes depends and dependencies across its tasks; Argo accepts one style per DAG`,
          undefined,
          at,
        ),
      );
    }
    usesDepends ||= hasDepends;
    usesDependencies ||= hasDependencies;
  });
  if (typeof dag.target === "string" && !dag.target.includes("{{")) {
    for (const target of dag.target.split(/\s+/).filter(Boolean)) {
      if (!seen.has(target))
        out.push(
          errorAt(
            "reference.task",
            `DAG target "${target}" is not a task of this DAG`,
            undefined,
            `${path}.target`,
          ),
        );
    }
  }
  const deps = taskDependencies(tasks, path, out);
  const cycle = findCycle(deps);
  if (cycle) {
    const index = tasks.findIndex((t) => nameOf(t) === cycle[0]);
    out.push(
      errorAt(
        "dag.cycle",
        `DAG "${templateName}" has a dependency cycle: ${cycle.join(" → ")}`,
        undefined,
        `${path}.tasks[${index}]`,
      ),
    );
  }
}

function checkSteps(groups: unknown[], path: string, byName: Map<string, Json>, out: Diagnostic[]): void {
  const seen = new Set<string>();
  groups.forEach((group, g) => {
    asArray(group).forEach((step, s) => {
      if (!isObject(step)) return;
      const at = `${path}[${g}][${s}]`;
      const name = nameOf(step);
      if (name !== undefined) {
        checkFieldName(name, "step", `${at}.name`, out);
        if (seen.has(name))
          out.push(errorAt("name.duplicate", `duplicate step name "${name}"`, undefined, `${at}.name`));
        seen.add(name);
      }
      checkCall(step, `step "${name ?? `${g}.${s}`}"`, at, byName, out);
    });
  });
}
