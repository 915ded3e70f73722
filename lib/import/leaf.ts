// Templates without children: container, script, resource, suspend, http; `rawTemplate` for the rest.

import type { ParamDecl } from "../dsl/data";
import { pythonScriptSource } from "../dsl/python-script";
import { CONTAINER_KEYS, HTTP_KEYS, RESOURCE_KEYS } from "../dsl/template";
import { Code, type Printable, type PrintableObject, print } from "./code";
import type { DocContext, Json, TemplateInfo } from "./context";
import { declarations, isRecord } from "./io";
import { renderText, renderValue, type Scope } from "./refs";

export const BODIES = [
  "container",
  "containerSet",
  "script",
  "resource",
  "suspend",
  "http",
  "dag",
  "steps",
  "data",
  "plugin",
];

// Script builders by interpreter: each writes `command: [interpreter]`, and its image when none is given.
const LANGUAGES: Record<string, { builder: string; image: string }> = {
  python: { builder: "python", image: "python:3.12" },
  sh: { builder: "shell", image: "alpine" },
  bash: { builder: "bash", image: "bash" },
  node: { builder: "node", image: "node:22" },
};

function languageOf(script: Json): { builder: string; image: string } | undefined {
  const command = script.command;
  if (!Array.isArray(command) || command.length !== 1 || typeof command[0] !== "string") return undefined;
  return Object.hasOwn(LANGUAGES, command[0]) ? LANGUAGES[command[0]] : undefined;
}

const PYTHON_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The body of a Python script that starts with the preamble Hera's `@script` (and the DSL's `pythonScript`)
 * writes for its inputs, when `pythonScript` generates exactly this source back from it.
 */
function heraScript(template: Json, script: Json): { body: string; addCwdToSysPath: boolean } | undefined {
  const source = script.source;
  if (typeof source !== "string") return undefined;
  const inputs: Record<string, ParamDecl> = {};
  const parameters = isRecord(template.inputs) ? template.inputs.parameters : undefined;
  for (const parameter of Array.isArray(parameters) ? parameters : []) {
    if (!isRecord(parameter) || typeof parameter.name !== "string") return undefined;
    if (!PYTHON_NAME.test(parameter.name)) return undefined;
    inputs[parameter.name] = { kind: "parameter", options: { valueFrom: parameter.valueFrom as never } };
  }
  const parsed = Object.values(inputs).filter((input) => input.options.valueFrom === undefined);
  // Without the path header or a parsed input, there is no preamble: `python(...)` says it all.
  for (const addCwdToSysPath of parsed.length > 0 ? [true, false] : [true]) {
    const preamble = pythonScriptSource("", inputs, addCwdToSysPath);
    if (!source.startsWith(preamble)) continue;
    const body = source.slice(preamble.length);
    if (body.trim() !== "" && pythonScriptSource(body, inputs, addCwdToSysPath) === source) {
      return { body, addCwdToSysPath };
    }
  }
  return undefined;
}

export type Written = { code: string } | { raw: string };

export function leafScope(ctx: DocContext): Scope {
  return { args: ctx.args, imports: ctx.imports };
}

/** The options every builder shares (name, inputs, outputs, pod metadata, other template fields). */
export function commonOptions(
  template: Json,
  scope: Scope,
  taken: ReadonlySet<string>,
  outputsElsewhere = false,
): { options: PrintableObject; extra: PrintableObject } | { raw: string } {
  const inputs = declarations(template.inputs, scope);
  if (!inputs) return { raw: "its inputs use a field `param`/`artifact` cannot express" };
  const outputs = outputsElsewhere ? { decls: undefined } : declarations(template.outputs, scope);
  if (!outputs) return { raw: "its outputs use a field `param`/`artifact` cannot express" };
  const options: PrintableObject = { name: template.name as string };
  const extra: PrintableObject = {};
  if (inputs.decls) options.inputs = inputs.decls;
  if (outputs.decls) options.outputs = outputs.decls;
  for (const [key, value] of Object.entries(template)) {
    if (["name", "inputs", "outputs", ...BODIES].includes(key)) continue;
    if (
      key === "metadata" &&
      isRecord(value) &&
      Object.keys(value).every((k) => k === "labels" || k === "annotations")
    ) {
      if (value.labels !== undefined) options.labels = renderValue(value.labels, scope);
      if (value.annotations !== undefined) options.podAnnotations = renderValue(value.annotations, scope);
    } else if (key === "securityContext") {
      options.podSecurityContext = renderValue(value, scope);
    } else if (taken.has(key)) {
      extra[key] = renderValue(value, scope);
    } else {
      options[key] = renderValue(value, scope);
    }
  }
  return { options, extra };
}

function envCode(env: unknown, scope: Scope): Printable {
  if (!Array.isArray(env)) return renderValue(env, scope);
  const record: PrintableObject = {};
  for (const entry of env) {
    if (!isRecord(entry) || typeof entry.name !== "string" || entry.name in record)
      return renderValue(env, scope);
    const keys = Object.keys(entry).sort().join(",");
    if (keys === "name,value" && typeof entry.value === "string") {
      record[entry.name] = renderText(entry.value, scope);
      continue;
    }
    const helper =
      keys === "name,valueFrom" && isRecord(entry.valueFrom) ? envHelper(entry.valueFrom) : undefined;
    if (!helper) return renderValue(env, scope);
    scope.imports.add(helper.name);
    record[entry.name] = new Code(`${helper.name}(${helper.args.map((arg) => print(arg)).join(", ")})`);
  }
  return record;
}

function envHelper(from: Json): { name: string; args: Printable[] } | undefined {
  const sources = Object.keys(from);
  if (sources.length !== 1) return undefined;
  const source = from[sources[0]];
  if (!isRecord(source)) return undefined;
  const keys = Object.keys(source).sort().join(",");
  const keyRef = (name: string) => {
    if (keys !== "key,name" && keys !== "key,name,optional") return undefined;
    if (typeof source.name !== "string" || typeof source.key !== "string") return undefined;
    if (source.optional !== undefined && typeof source.optional !== "boolean") return undefined;
    return {
      name,
      args: [source.name, source.key, ...(source.optional === undefined ? [] : [source.optional])],
    };
  };
  if (sources[0] === "secretKeyRef") return keyRef("secretEnv");
  if (sources[0] === "configMapKeyRef") return keyRef("configMapEnv");
  if (sources[0] === "fieldRef" && keys === "fieldPath" && typeof source.fieldPath === "string") {
    return { name: "fieldEnv", args: [source.fieldPath] };
  }
  if (sources[0] === "resourceFieldRef" && typeof source.resource === "string") {
    if (keys === "resource") return { name: "resourceEnv", args: [source.resource] };
    if (keys === "containerName,resource" && typeof source.containerName === "string") {
      return { name: "resourceEnv", args: [source.resource, source.containerName] };
    }
  }
  return undefined;
}

/** Splits a body (container, resource, http, ...) into builder options and what goes to `extra.<body>`. */
function bodyFields(
  body: Json,
  fields: ReadonlySet<string>,
  scope: Scope,
  into: PrintableObject,
): PrintableObject {
  const leftover: PrintableObject = {};
  for (const [key, value] of Object.entries(body)) {
    if (!fields.has(key)) leftover[key] = renderValue(value, scope);
    else if (key === "env") into.env = envCode(value, scope);
    else into[key] = renderValue(value, scope);
  }
  return leftover;
}

function call(ctx: DocContext, builder: string, options: PrintableObject, extra: PrintableObject): string {
  ctx.imports.add(builder);
  if (Object.keys(extra).length > 0) options.extra = extra;
  return `${builder}(${print(options)})`;
}

/** `container(...)`, `script(...)`, `resource(...)`, `suspend(...)` or `http(...)`; `{ raw }` otherwise. */
export function leafTemplate(info: TemplateInfo, ctx: DocContext, body: string): Written {
  const template = info.template;
  const scope = leafScope(ctx);
  const value = template[body];
  if (!isRecord(value)) return { raw: `its \`${body}\` is not an object` };
  if (body === "container" || body === "script") {
    if (typeof value.image !== "string")
      return { raw: `its ${body} has no image, which \`${body}()\` requires` };
    if (body === "script" && typeof value.source !== "string") {
      return { raw: "its script has no `source`, which `script()` requires" };
    }
    const common = commonOptions(template, scope, new Set());
    if ("raw" in common) return common;
    const options: PrintableObject = { name: common.options.name };
    const fields = new Set([...CONTAINER_KEYS, ...(body === "script" ? ["source"] : [])]);
    const leftover = bodyFields(value, fields, scope, options);
    const { name: _, ...rest } = common.options;
    Object.assign(options, rest);
    if (Object.keys(leftover).length > 0) common.extra[body] = leftover;
    const language = body === "script" ? languageOf(value) : undefined;
    if (language) {
      // `python(...)` and its siblings write the interpreter themselves, and the image when it is theirs.
      delete options.command;
      if (value.image === language.image) delete options.image;
      const hera = language.builder === "python" ? heraScript(template, value) : undefined;
      if (hera) {
        // Hera's `@script` preamble, which `pythonScript` generates from the inputs: only the body is written.
        options.source = renderText(hera.body, scope);
        if (!hera.addCwdToSysPath) options.addCwdToSysPath = false;
        return { code: call(ctx, "pythonScript", options, common.extra) };
      }
      return { code: call(ctx, language.builder, options, common.extra) };
    }
    return { code: call(ctx, body, options, common.extra) };
  }
  const fields = { resource: RESOURCE_KEYS, http: HTTP_KEYS, suspend: new Set(["duration"]) }[body];
  if (!fields) return { raw: `the DSL has no builder for \`${body}\` templates` };
  const common = commonOptions(template, scope, fields);
  if ("raw" in common) return common;
  const options: PrintableObject = { name: common.options.name };
  const leftover = bodyFields(value, fields, scope, options);
  if (body === "http" && Array.isArray(value.headers)) options.headers = headersCode(value.headers, scope);
  const { name: _, ...rest } = common.options;
  Object.assign(options, rest);
  if (Object.keys(leftover).length > 0) common.extra[body] = leftover;
  return { code: call(ctx, body, options, common.extra) };
}

function headersCode(headers: unknown[], scope: Scope): Printable {
  const record: PrintableObject = {};
  for (const header of headers) {
    if (!isRecord(header) || Object.keys(header).sort().join(",") !== "name,value")
      return renderValue(headers, scope);
    if (typeof header.name !== "string" || typeof header.value !== "string" || header.name in record) {
      return renderValue(headers, scope);
    }
    record[header.name] = renderText(header.value, scope);
  }
  return record;
}

/** `rawTemplate({...})`: Argo's own object, for what no builder writes. */
export function rawTemplateCode(info: TemplateInfo, ctx: DocContext, io?: PrintableObject): string {
  ctx.imports.add("rawTemplate");
  const template = print(renderValue(info.template, leafScope(ctx)));
  return io && Object.keys(io).length > 0
    ? `rawTemplate(${template}, ${print(io)})`
    : `rawTemplate(${template})`;
}
