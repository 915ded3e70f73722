import type { z } from "zod";
import type { ErrorDetail } from "./errors";

/** zod issues → error details whose `field` is a dotted path under `prefix`. */
export function zodDetails(error: z.ZodError, prefix: string): ErrorDetail[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join("."),
    message: issue.message,
    code: issue.code,
  }));
}
