import type { NodeStatus } from "../../argo";
import { WorkflowRejectedError } from "../errors";

interface Requirement {
  field: string;
  equal: boolean;
  value: string;
}

const SUPPORTED =
  /^(displayName|templateName|phase|name|id|templateRef\.name|templateRef\.template|inputs\.parameters\.[^.]+\.value)$/;

/**
 * Parses Argo's `--node-field-selector` (Kubernetes field-selector syntax: `a=b,c!=d`, `==` allowed)
 * over the node fields Argo supports.
 */
export function parseNodeFieldSelector(selector: string): Requirement[] {
  return selector
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^([^!=]+?)\s*(==|!=|=)\s*(.*)$/.exec(part);
      if (!match)
        throw new WorkflowRejectedError(`node field selector: cannot parse "${part}" (expected field=value)`);
      const [, field, op, value] = match;
      if (!SUPPORTED.test(field)) {
        throw new WorkflowRejectedError(
          `node field selector: unsupported field "${field}" (displayName, templateName, phase, name, id, templateRef.name, templateRef.template, inputs.parameters.<p>.value)`,
        );
      }
      return { field, equal: op !== "!=", value: value.trim() };
    });
}

function fieldValue(node: NodeStatus, field: string): string {
  switch (field) {
    case "templateRef.name":
      return node.templateRef?.name ?? "";
    case "templateRef.template":
      return node.templateRef?.template ?? "";
    default: {
      const param = /^inputs\.parameters\.([^.]+)\.value$/.exec(field);
      if (param) return String(node.inputs?.parameters?.find((p) => p.name === param[1])?.value ?? "");
      return String((node as unknown as Record<string, unknown>)[field] ?? "");
    }
  }
}

export function nodeMatches(node: NodeStatus, requirements: Requirement[]): boolean {
  return requirements.every((r) => (fieldValue(node, r.field) === r.value) === r.equal);
}
