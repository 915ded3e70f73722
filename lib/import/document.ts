// One Argo resource → the statements that build it: arguments, templates in dependency order, the resource.
import { type PrintableObject, print } from "./code";
import type { DocContext, Json, TemplateInfo } from "./context";
import { ImportError } from "./errors";
import { type GraphMode, graphOptions, graphTemplate } from "./graph";
import { declarations, isRecord } from "./io";
import { BODIES, leafTemplate, rawTemplateCode, type Written } from "./leaf";
import { calledTemplates, dependencyOrder, recursiveTemplates } from "./order";
import type { ImportDocument } from "./parse";
import { referencedArguments } from "./refs";
import { argumentsRecord, resourceCall, workflowSpecOf } from "./resource";

const NO_OUTPUTS = { parameters: new Set<string>(), artifacts: new Set<string>() };

function bodyOf(template: Json): string | undefined {
  const bodies = BODIES.filter((body) => template[body] !== undefined && template[body] !== null);
  return bodies.length === 1 ? bodies[0] : undefined;
}

function write(info: TemplateInfo, ctx: DocContext, mode: GraphMode): Written {
  const body = bodyOf(info.template);
  if (!body) return { raw: "it has no single template body (container, script, dag, steps, ...)" };
  if (body === "dag" || body === "steps") return graphTemplate(info, ctx, body, mode);
  return leafTemplate(info, ctx, body);
}

/**
 * `const x = declare({...})` for each DAG/steps template of a cycle of templates running each other, so that
 * each can run the others before they are defined; the variables by template name.
 */
function declareCycle(members: readonly string[], ctx: DocContext): Map<string, string> {
  const declared = new Map<string, string>();
  for (const name of members) {
    const info = ctx.templates.get(name) as TemplateInfo;
    const body = bodyOf(info.template);
    if (body !== "dag" && body !== "steps") continue;
    const written = graphOptions(info.template, ctx, body);
    if ("raw" in written) continue;
    ctx.imports.add("declare");
    ctx.statements.push(`const ${info.variable} = declare(${print(written.options)});`);
    declared.set(name, info.variable);
    setInterface(info, ctx, !written.options.outputs);
  }
  return declared;
}

/** What users of a template are checked against: the inputs and outputs its builder declares. */
function setInterface(info: TemplateInfo, ctx: DocContext, outputsFromBlock: boolean): void {
  const scope = { args: ctx.args, imports: new Set<string>() };
  const inputs = declarations(info.template.inputs, scope);
  if (inputs) info.accepts = { parameters: inputs.parameters, artifacts: inputs.artifacts };
  const outputs = outputsFromBlock ? undefined : declarations(info.template.outputs, scope);
  info.outputs = outputs
    ? { parameters: new Set(outputs.parameters.keys()), artifacts: outputs.artifacts }
    : NO_OUTPUTS;
}

/** Writes one document's statements into `ctx.statements`; returns the resource's builder call. */
export function writeDocument(doc: ImportDocument, ctx: DocContext): string {
  const spec = workflowSpecOf(doc.object);
  const specPath = doc.kind === "CronWorkflow" ? "spec.workflowSpec" : "spec";
  const fail = (message: string, path: string) => {
    const at = doc.locate(path);
    return new ImportError(`${path} ${message}`, ctx.file, at?.line ?? doc.line, at?.column);
  };
  const templates = spec.templates === undefined ? [] : spec.templates;
  if (!Array.isArray(templates)) throw fail("is not a list", `${specPath}.templates`);
  ctx.templates.clear();
  for (const [index, template] of templates.entries()) {
    if (!isRecord(template) || typeof template.name !== "string" || template.name === "") {
      throw fail("has no name", `${specPath}.templates[${index}]`);
    }
    if (ctx.templates.has(template.name)) {
      throw fail(`has the name "${template.name}" of an earlier template`, `${specPath}.templates[${index}]`);
    }
    ctx.templates.set(template.name, {
      name: template.name,
      template,
      variable: ctx.namer.fresh(template.name, "Template"),
      accepts: {},
      outputs: NO_OUTPUTS,
      calls: calledTemplates(template),
      uses: new Set(),
    });
  }
  // Workflow arguments become `workflowArguments(...)` when a template refers to them.
  const names = referencedArguments(spec);
  const record = isRecord(spec.arguments)
    ? argumentsRecord(spec.arguments, { imports: new Set() })
    : undefined;
  let argsVariable: string | undefined;
  ctx.args = undefined;
  if (record && names.size > 0) {
    const parameters = new Set(
      ((spec.arguments as Json).parameters as Json[] | undefined)?.map((p) => p.name as string) ?? [],
    );
    argsVariable = ctx.namer.fresh("args", "");
    ctx.imports.add("workflowArguments");
    const declared = argumentsRecord(spec.arguments, { imports: ctx.imports });
    ctx.statements.push(`const ${argsVariable} = workflowArguments(${print(declared)});`);
    ctx.args = { variable: argsVariable, parameters };
  }
  const calls = new Map([...ctx.templates].map(([name, info]) => [name, info.calls]));
  const cycles = recursiveTemplates(calls);
  const declared = new Map<string, string>();
  for (const name of dependencyOrder([...ctx.templates.keys()], calls)) {
    const info = ctx.templates.get(name) as TemplateInfo;
    const cycle = cycles.get(name);
    if (cycle && cycle.length > 1 && !cycle.some((member) => declared.has(member))) {
      for (const [member, variable] of declareCycle(cycle, ctx)) declared.set(member, variable);
    }
    const declaration = declared.get(name);
    const declaredOutputs = info.outputs;
    const written = write(info, ctx, { self: cycle?.length === 1, declared: declaration });
    if ("raw" in written) {
      info.raw = written.raw;
      info.uses.clear();
      const raw = rawTemplateCode(info, ctx, declaration ? interfaceOf(info, ctx) : undefined);
      ctx.statements.push(
        declaration
          ? `// rawTemplate: ${written.raw}.\n${declaration}.define(${raw});`
          : `// rawTemplate: ${written.raw}.\nconst ${info.variable} = ${raw};`,
      );
      if (!declaration) {
        info.outputs = NO_OUTPUTS;
        info.accepts = {};
      }
      continue;
    }
    if (declaration) {
      // Users hold the declaration: typed by what it declares, whatever the block returns.
      info.outputs = declaredOutputs;
      ctx.statements.push(`${written.code};`);
      continue;
    }
    // A graph template whose block returned outputs has set them already.
    const returned = info.outputs !== NO_OUTPUTS ? info.outputs : undefined;
    setInterface(info, ctx, returned !== undefined);
    if (returned) info.outputs = returned;
    ctx.statements.push(`const ${info.variable} = ${written.code};`);
  }
  return resourceCall(doc.object, ctx, argsVariable, (roots) => {
    const reached = new Set<string>();
    const visit = (name: string) => {
      if (reached.has(name)) return;
      reached.add(name);
      for (const used of ctx.templates.get(name)?.uses ?? []) visit(used);
    };
    for (const root of roots) visit(root);
    return [...ctx.templates.values()].filter((info) => !reached.has(info.name)).map((info) => info.variable);
  });
}

/** The inputs and outputs of a declared template, for a raw definition to match its declaration. */
function interfaceOf(info: TemplateInfo, ctx: DocContext): PrintableObject {
  const body = bodyOf(info.template) as "dag" | "steps";
  const written = graphOptions(info.template, ctx, body);
  if ("raw" in written) return {};
  const io: PrintableObject = {};
  if (written.options.inputs) io.inputs = written.options.inputs;
  if (written.options.outputs) io.outputs = written.options.outputs;
  return io;
}
