import type { z } from "zod";
import type { ErrorDetail } from "./errors";

/** zod issues → error details whose `field` is a dotted path under `prefix` (each unknown key named itself). */
export function zodDetails(error: z.ZodError, prefix: string): ErrorDetail[] {
  return error.issues.flatMap((issue): ErrorDetail[] => {
    const at = [prefix, ...issue.path.map(String)];
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        field: [...at, key].filter(Boolean).join("."),
        message: "unknown field",
        code: issue.code,
      }));
    }
    return [{ field: at.filter(Boolean).join("."), message: issue.message, code: issue.code }];
  });
}
