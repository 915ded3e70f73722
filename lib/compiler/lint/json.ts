// Small readers for untyped spec JSON (lint runs on anything: DSL output or hand-written YAML).
export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === "object" && !Array.isArray(value);

export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const nameOf = (value: unknown): string | undefined =>
  isObject(value) && typeof value.name === "string" ? value.name : undefined;

/** A spec path segment for an object key: `.key`, or `["odd key"]`. */
export const keySegment = (key: string): string =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
