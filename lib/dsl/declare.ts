// Templates that tasks and steps can call before their body exists: recursion (a DAG or steps template that
// calls itself) and templates defined further down the file (mutual recursion, top-down files).
import type { DeclMap } from "./data";
import { DslError, type SourceSite } from "./errors";
import { callSite } from "./site";
import type { Runnable, SkiffTemplate, TemplateOptions } from "./template";

function where(site: SourceSite | undefined): string {
  return site ? ` (declared at ${site.file}:${site.line}:${site.column})` : "";
}

function describeDecls(decls: DeclMap): string {
  return (
    Object.entries(decls)
      .map(([name, decl]) => `${name} (${decl.kind})`)
      .sort()
      .join(", ") || "none"
  );
}

/**
 * A template's name and interface, declared ahead of its body: tasks and steps may run it at once (typed by
 * the declared inputs and outputs), and `define(template)` supplies the body later. Rendering a workflow
 * that runs a declaration never defined is an error naming the declaration.
 */
export class TemplateDeclaration<out I extends DeclMap = DeclMap, out O extends DeclMap = DeclMap> {
  readonly skiff = "declaration" as const;
  #template: SkiffTemplate | undefined;

  constructor(
    /** The options given to `declare` (name, inputs, outputs and any template field): `dag(decl, …)` uses them. */
    readonly options: TemplateOptions<I, O>,
    readonly site: SourceSite | undefined,
  ) {
    if (!options.name) throw new DslError("a declared template needs a non-empty name", { site });
  }

  get name(): string {
    return this.options.name;
  }

  get inputs(): I {
    return this.options.inputs ?? ({} as I);
  }

  get outputs(): O {
    return this.options.outputs ?? ({} as O);
  }

  /** Whether `define` has been called. */
  get defined(): boolean {
    return this.#template !== undefined;
  }

  /**
   * Supplies the body: a template with the declared name, exactly the declared inputs, and at least the
   * declared outputs. Returns the template.
   */
  define<T extends SkiffTemplate<I, O>>(template: T): T {
    const site = template.site ?? this.site;
    if (this.#template !== undefined && this.#template !== template) {
      throw new DslError(`template "${this.name}" is already defined${where(this.site)}`, { site });
    }
    if (template.name !== this.name) {
      throw new DslError(
        `template "${template.name}" cannot define the declaration "${this.name}"${where(this.site)}: the names differ`,
        { site },
      );
    }
    const declared = describeDecls(this.inputs);
    const actual = describeDecls(template.inputs);
    if (declared !== actual) {
      throw new DslError(
        `template "${this.name}" has inputs ${actual}, but its declaration${where(this.site)} has ${declared}`,
        { site },
      );
    }
    for (const [name, decl] of Object.entries(this.outputs)) {
      if (template.outputs[name]?.kind !== decl.kind) {
        throw new DslError(
          `template "${this.name}" lacks the declared output ${name} (${decl.kind})${where(this.site)}`,
          { site },
        );
      }
    }
    this.#template = template;
    return template;
  }

  /** The defined template; an error when rendering reaches a declaration that was never defined. */
  resolve(): SkiffTemplate {
    if (this.#template === undefined) {
      throw new DslError(
        `template "${this.name}" is run but was never defined: call .define(template) on its declaration`,
        { site: this.site },
      );
    }
    return this.#template;
  }
}

/**
 * Declares a template to define later: `const loop = declare({ name: "loop", inputs: { n: param() } })`, run it
 * from any task or step (itself included), then `steps(loop, (s) => …)` or `loop.define(container({ … }))`.
 */
export function declare<I extends DeclMap = Record<never, never>, O extends DeclMap = Record<never, never>>(
  options: TemplateOptions<I, O>,
): TemplateDeclaration<I, O> {
  return new TemplateDeclaration(options, callSite(declare));
}

/** The template a runnable stands for in this workflow, or undefined for a stored one (`templateRef`). */
export function localTemplate(runnable: Runnable): SkiffTemplate | undefined {
  if (runnable instanceof TemplateDeclaration) return runnable.resolve();
  return runnable.skiff === "template" ? runnable : undefined;
}
