// One Argo resource → the statements that build it: arguments, templates in dependency order, the resource.
import { print } from "./code";
import type { DocContext, Json, TemplateInfo } from "./context";
import { ImportError } from "./errors";
import { graphTemplate } from "./graph";
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

function write(info: TemplateInfo, ctx: DocContext, recursive: boolean): Written {
  const body = bodyOf(info.template);
  if (!body) return { raw: "it has no single template body (container, script, dag, steps, ...)" };
  if (body === "dag" || body === "steps") {
    if (recursive) {
      return {
        raw: "it runs itself (recursion); the DSL has no reference to a template before it is defined",
      };
    }
    return graphTemplate(info, ctx, body);
  }
  return leafTemplate(info, ctx, body);
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
  const recursive = recursiveTemplates(calls);
  for (const name of dependencyOrder([...ctx.templates.keys()], calls)) {
    const info = ctx.templates.get(name) as TemplateInfo;
    const written = write(info, ctx, recursive.has(name));
    if ("raw" in written) {
      info.raw = written.raw;
      info.uses.clear();
      ctx.statements.push(
        `// rawTemplate: ${written.raw}.\nconst ${info.variable} = ${rawTemplateCode(info, ctx)};`,
      );
      continue;
    }
    // Its users are checked against the interface its builder declared.
    const scope = { args: ctx.args, imports: new Set<string>() };
    const inputs = declarations(info.template.inputs, scope);
    if (inputs) info.accepts = { parameters: inputs.parameters, artifacts: inputs.artifacts };
    if (info.outputs === NO_OUTPUTS) {
      const outputs = declarations(info.template.outputs, scope);
      if (outputs)
        info.outputs = { parameters: new Set(outputs.parameters.keys()), artifacts: outputs.artifacts };
    }
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
