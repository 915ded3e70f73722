// Argo's rule for fields of loop items: for each `withItems` element, the controller substitutes `{{item.key}}`
// from the element's own keys (a map item only) and fails on a tag left unresolved (processItem in
// workflow/controller/operator.go replaces with allowUnresolved=false). So a field some literal items lack fails
// the run; the DSL and the linter report it before.

const FIELD_TAG = /\{\{\s*item\.([^.}\s]+)/g;
const EXPRESSION_TAG = /\{\{=([\s\S]*?)\}\}/g;
const EXPRESSION_FIELD = /(?<![\w$.#])item(?:\.([A-Za-z_$][\w$]*)|\[\s*(?:'([^']*)'|"([^"]*)")\s*\])/g;

/** The item fields a text names: `{{item.key}}` tags, and `item.key` / `item['key']` inside `{{=…}}`. */
export function itemFieldsIn(text: string): string[] {
  if (!text.includes("{{")) return [];
  const keys = new Set<string>();
  for (const match of text.matchAll(FIELD_TAG)) keys.add(match[1]);
  if (text.includes("{{=")) {
    for (const tag of text.matchAll(EXPRESSION_TAG)) {
      for (const match of tag[1].matchAll(EXPRESSION_FIELD)) keys.add(match[1] ?? match[2] ?? match[3]);
    }
  }
  return [...keys];
}

/** Indexes of the items that do not have `key`: every item that is not a map, and maps without it. */
export function itemsLacking(items: readonly unknown[], key: string): number[] {
  const lacking: number[] = [];
  items.forEach((item, index) => {
    const isMap = typeof item === "object" && item !== null && !Array.isArray(item);
    if (!isMap || !Object.hasOwn(item, key)) lacking.push(index);
  });
  return lacking;
}

/** How an item is shown in a message: a scalar as JSON, a map by its keys. */
export function describeItem(item: unknown): string {
  if (item === null || typeof item !== "object") return JSON.stringify(item) ?? String(item);
  if (Array.isArray(item)) return "a list";
  return `{${Object.keys(item).join(", ")}}`;
}

/** The message for a field some items lack, or undefined when every item has every field `text` names. */
export function missingItemField(text: string, items: readonly unknown[]): string | undefined {
  for (const key of itemFieldsIn(text)) {
    const lacking = itemsLacking(items, key);
    if (lacking.length === 0) continue;
    const shown = lacking
      .slice(0, 3)
      .map((index) => `withItems[${index}] is ${describeItem(items[index])}`)
      .join("; ");
    const verb = lacking.length === 1 ? "has" : "have";
    return `uses {{item.${key}}}, but ${lacking.length} of its ${items.length} items ${verb} no field "${key}" (${shown}${lacking.length > 3 ? "; …" : ""})`;
  }
  return undefined;
}
