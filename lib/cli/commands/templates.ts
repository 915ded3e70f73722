import type { Command } from "commander";
import { table } from "../../client/format";
import type { TemplateView } from "../../pipelines/template-view";
import type { TemplateKind } from "../../ports/engine";
import { cliClient } from "../context-option";
import { EXIT_OK, UsageError } from "../exit";
import { OUTPUT_OPTION, outputFormat, print, withApiErrors } from "../output";

const KINDS: TemplateKind[] = ["WorkflowTemplate", "ClusterWorkflowTemplate"];

/** `skiff templates [name]`: the shared templates workflowTemplate pipelines installed in the engine. */
export function registerTemplatesCommands(program: Command): void {
  program
    .command("templates [name]")
    .description(
      "list the shared templates installed in the engine (workflowTemplate pipelines), or show one",
    )
    .option("--kind <kind>", `only this kind: ${KINDS.join(" or ")}`)
    .option(...OUTPUT_OPTION)
    .action(async (name: string | undefined, options: { kind?: string; output?: string }) => {
      const format = outputFormat(options.output);
      if (options.kind !== undefined && !(KINDS as string[]).includes(options.kind)) {
        throw new UsageError(`unknown kind "${options.kind}": expected ${KINDS.join(" or ")}`);
      }
      const kind = options.kind as TemplateKind | undefined;
      process.exitCode = await withApiErrors(async () => {
        const skiff = await cliClient();
        if (name !== undefined) {
          const template = await skiff.templates.get(name, kind);
          print(format, template, () => formatTemplate(template));
          return EXIT_OK;
        }
        const items = await skiff.templates.list(kind);
        print(format, { items }, () =>
          items.length
            ? formatTemplateTable(items)
            : "no templates installed: push a pipeline that exports a workflowTemplate",
        );
        return EXIT_OK;
      });
    });
}

function formatTemplateTable(items: TemplateView[]): string {
  return table([
    ["NAME", "KIND", "PIPELINE", "VERSION", "STATE", "TEMPLATES"],
    ...items.map((t) => [
      t.name,
      t.kind,
      t.pipeline ?? "-",
      t.version ?? "-",
      t.state,
      t.templates.map((e) => e.name).join(", "),
    ]),
  ]);
}

function formatTemplate(t: TemplateView): string {
  const state =
    t.state === "outdated"
      ? `outdated (the pipeline's latest good version is ${t.latestGoodVersion})`
      : t.state;
  const inputs = (e: TemplateView["templates"][number]) =>
    e.inputs.length
      ? ` (${e.inputs.map((p) => (p.required ? `${p.name}*` : `${p.name}=${p.default ?? ""}`)).join(", ")})`
      : "";
  return [
    `Template:   ${t.name} (${t.kind}${t.namespace ? ` in ${t.namespace}` : ""})`,
    `Pipeline:   ${t.pipeline ? `${t.pipeline} ${t.version ?? ""}`.trim() : "- (not installed by Skiff)"}`,
    `State:      ${state}`,
    ...(t.createdAt ? [`Created:    ${t.createdAt}`] : []),
    "Templates:",
    ...t.templates.map((e) => `  ${e.name}  ${e.type}${inputs(e)}`),
    ...(t.templates.some((e) => e.inputs.some((p) => p.required)) ? ["(* required input)"] : []),
  ].join("\n");
}
