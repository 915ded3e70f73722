import { z } from "zod";
import { EVENT_SCHEMAS } from "./contracts";

/**
 * The JSON Schemas published in events/schemas/ (one per contract, envelope included), generated from the zod
 * contracts. scripts/gen-event-schemas.mjs writes them; a test checks that the committed files are current.
 */
export function eventJsonSchemas(): Record<keyof typeof EVENT_SCHEMAS, Record<string, unknown>> {
  const out = {} as Record<keyof typeof EVENT_SCHEMAS, Record<string, unknown>>;
  for (const [name, schema] of Object.entries(EVENT_SCHEMAS) as Array<
    [keyof typeof EVENT_SCHEMAS, z.ZodType]
  >) {
    const json = z.toJSONSchema(schema, { target: "draft-2020-12", io: "output" }) as Record<string, unknown>;
    const detailType = (schema as unknown as { shape: Record<string, z.ZodType> }).shape["detail-type"];
    out[name] = { ...json, title: String((detailType as z.ZodLiteral<string>).value) };
  }
  return out;
}

/** The exact text of a schema file (stable key order, trailing newline). */
export function schemaFileText(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
