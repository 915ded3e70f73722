import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { text } from "node:stream/consumers";
import type { Command } from "commander";
import { EXIT_FAILED, EXIT_OK, UsageError } from "../exit";

interface Flags {
  output?: string;
  document?: string;
}

async function readInput(source: string): Promise<{ text: string; file: string }> {
  if (source === "-") return { text: await text(process.stdin), file: "<stdin>" };
  if (!existsSync(source) || !statSync(source).isFile()) throw new UsageError(`no such file: ${source}`);
  return { text: readFileSync(source, "utf8"), file: source };
}

function documentIndex(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new UsageError(`--document must be a document number (0, 1, ...), got "${value}"`);
  return Number(value);
}

/** `skiff import`: Argo YAML (a file or stdin) → pipeline.ts on stdout or in `--output`. */
export async function runImport(source: string, flags: Flags): Promise<number> {
  const document = documentIndex(flags.document);
  const input = await readInput(source);
  // Loaded on use: the importer and Biome's launcher are only for this command.
  const { formatTypeScript, ImportError, importSource } = await import("../../import");
  let code: string;
  try {
    code = await formatTypeScript(importSource(input.text, input.file, { document }));
  } catch (error) {
    if (error instanceof ImportError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT_FAILED;
    }
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  if (flags.output) writeFileSync(flags.output, code);
  else process.stdout.write(code);
  return EXIT_OK;
}

export function registerImportCommand(program: Command): void {
  program
    .command("import <workflow>")
    .description(
      "print Argo YAML (a Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow; a file or - for stdin) as a pipeline.ts",
    )
    .option("-o, --output <file>", "write the pipeline here; default: stdout")
    .option(
      "--document <n>",
      "import only the n-th document of the file (0-based); default: all, the first as the default export",
    )
    .action(async (source: string, flags: Flags) => {
      process.exitCode = await runImport(source, flags);
    });
}
