import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

/** Argo's JSON schema from the shared folder (../shared/argo/schema.json relative to the project root). */
export const ARGO_SCHEMA_PATH = fileURLToPath(
  new URL("../../../../shared/argo/schema.json", import.meta.url),
);

let cached: ValidateFunction | undefined;

/** Validator for `io.argoproj.workflow.v1alpha1.Workflow`, with IntOrString as string-or-integer. */
export function workflowValidator(): ValidateFunction {
  if (cached) return cached;
  const schema = JSON.parse(readFileSync(ARGO_SCHEMA_PATH, "utf8")) as {
    $id?: string;
    definitions: Record<string, unknown>;
  };
  schema.definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = { type: ["string", "integer"] };
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema(schema, "argo");
  cached = ajv.compile({ $ref: "argo#/definitions/io.argoproj.workflow.v1alpha1.Workflow" });
  return cached;
}
