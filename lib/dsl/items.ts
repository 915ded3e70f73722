// Loop items: `itemField("key")` typed by its key, and checked against a task's or step's literal `withItems`
// (TypeScript sees a key no item has; the build sees a key some item lacks, which Argo would leave unresolved).
import { DslError, type SourceSite } from "./errors";

declare const itemKey: unique symbol;

/** `{{item.key}}`: a string that remembers its key, so that literal items can be checked against it. */
export type ItemField<K extends string = string> = string & { readonly [itemKey]: K };

/** The keys an item field may name: those of the literal items' type; any key when the items are unknown. */
export type ItemKeys<W> = unknown extends W
  ? string
  : [W] extends [never]
    ? string
    : [W] extends [object]
      ? keyof W & string
      : never;

/** A string argument, which may be an item field only of a key the items have. */
export type ItemString<W> = string & { readonly [itemKey]?: ItemKeys<W> };

/** A field of the current loop item when items are objects: `itemField("os")` → `{{item.os}}`. */
export function itemField<const K extends string>(key: K): ItemField<K> {
  return `{{item.${key}}}` as ItemField<K>;
}

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

function describe(item: unknown): string {
  if (item === null || typeof item !== "object") return JSON.stringify(item) ?? String(item);
  if (Array.isArray(item)) return "a list";
  return `{${Object.keys(item).join(", ")}}`;
}

/**
 * Fails when `text` names an item field that some of the literal `items` lack: Argo substitutes `{{item.key}}`
 * from each item, and an item without the key leaves the reference unresolved (a failed run).
 */
export function checkItemFields(
  text: string,
  items: readonly unknown[],
  where: { what: string; site: SourceSite | undefined },
): void {
  for (const key of itemFieldsIn(text)) {
    const lacking = items
      .map((item, index) => ({ item, index }))
      .filter(
        ({ item }) =>
          item === null || typeof item !== "object" || Array.isArray(item) || !Object.hasOwn(item, key),
      );
    if (lacking.length === 0) continue;
    const shown = lacking
      .slice(0, 3)
      .map(({ item, index }) => `withItems[${index}] is ${describe(item)}`)
      .join("; ");
    throw new DslError(
      `${where.what} uses {{item.${key}}}, but ${lacking.length} of its ${items.length} items ${lacking.length === 1 ? "has" : "have"} no field "${key}" (${shown}${lacking.length > 3 ? "; …" : ""})`,
      { site: where.site },
    );
  }
}
