// Loop items: `itemField("key")` typed by its key, and checked against a task's or step's literal `withItems`
// (TypeScript sees a key no item has; the build sees a key some item lacks, which Argo would leave unresolved).
import { missingItemField } from "../argo/item-fields";
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

/**
 * Fails when `text` names an item field that some of the literal `items` lack (Argo's rule, in
 * lib/argo/item-fields.ts), at the task's or step's site.
 */
export function checkItemFields(
  text: string,
  items: readonly unknown[],
  where: { what: string; site: SourceSite | undefined },
): void {
  const problem = missingItemField(text, items);
  if (problem !== undefined) throw new DslError(`${where.what} ${problem}`, { site: where.site });
}
