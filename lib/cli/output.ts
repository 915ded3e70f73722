import { ApiClientError } from "../client/errors";
import { formatError } from "../client/format";
import { EXIT_FAILED, EXIT_USAGE, UsageError } from "./exit";

export type OutputFormat = "text" | "json";

export function outputFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === "text") return "text";
  if (value === "json") return "json";
  throw new UsageError(`-o/--output expects text or json, got "${value}"`);
}

/** Runs an API-backed command; API errors print `{message, details}` and exit 2 for 400s, 1 otherwise. */
export async function withApiErrors(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof ApiClientError) {
      process.stderr.write(`skiff: ${formatError(error.body)}\n`);
      return error.status === 400 ? EXIT_USAGE : EXIT_FAILED;
    }
    throw error;
  }
}

/** One value on stdout: JSON on one line with `-o json`, the text rendering otherwise. */
export const print = (format: OutputFormat, value: unknown, text: () => string) =>
  process.stdout.write(format === "json" ? `${JSON.stringify(value)}\n` : `${text()}\n`);

/** Every command's `-o, --output`. */
export const OUTPUT_OPTION = ["-o, --output <format>", "output format: text or json", "text"] as const;
