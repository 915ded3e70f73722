import { missingItemField } from "../../argo/item-fields";
import { type Diagnostic, errorAt } from "../diagnostics";
import { isObject, type Json } from "./json";

/** Every string under `value`, joined: the text Argo substitutes per item. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const entry of value) strings(entry, out);
  else if (isObject(value)) for (const entry of Object.values(value)) strings(entry, out);
  return out;
}

/**
 * A task or step with literal `withItems` that names an item field some items lack: Argo leaves the tag
 * unresolved and fails the node (lib/argo/item-fields.ts).
 */
export function checkItemFields(call: Json, what: string, path: string, out: Diagnostic[]): void {
  if (!Array.isArray(call.withItems)) return;
  const { withItems, ...rest } = call;
  const text = strings(rest).join("\n");
  const problem = missingItemField(text, withItems);
  if (problem !== undefined) out.push(errorAt("item.field", `${what} ${problem}`, undefined, path));
}
