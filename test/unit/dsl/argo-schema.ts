import { readFileSync } from "node:fs";
import { Ajv2020 as Ajv, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";

const SCHEMA_URL = new URL("../../../../shared/argo/schema.json", import.meta.url);
const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

export interface SchemaCheck {
  valid: boolean;
  errors: string[];
}

/**
 * A validator for Argo specs (any kind), compiled once per caller. IntOrString is widened to
 * string-or-integer, as Argo itself accepts (see ../shared/argo/SOURCE.md).
 */
export function argoValidator(): (manifest: unknown) => SchemaCheck {
  const schema = JSON.parse(readFileSync(SCHEMA_URL, "utf8")) as {
    $id?: string;
    definitions: Record<string, unknown>;
  };
  schema.definitions[INT_OR_STRING] = { type: ["string", "integer"] };
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  ajv.addSchema(schema, "argo");
  const byKind = new Map<string, ValidateFunction>();
  return (spec) => {
    const kind = (spec as { kind?: string }).kind ?? "";
    let validate = byKind.get(kind);
    if (!validate) {
      validate = ajv.compile({ $ref: `argo#/definitions/io.argoproj.workflow.v1alpha1.${kind}` });
      byKind.set(kind, validate);
    }
    const valid = validate(spec) as boolean;
    return {
      valid,
      errors: (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message ?? ""}`),
    };
  };
}
