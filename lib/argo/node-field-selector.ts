import { WorkflowRejectedError } from "../ports/engine-errors";
import type { NodeStatus } from "./types.generated";

/** One term of a node field selector: `field=value`, `field==value` or `field!=value`. */
export interface NodeFieldRequirement {
  field: string;
  equal: boolean;
  value: string;
}

const SUPPORTED =
  /^(displayName|templateName|phase|name|id|templateRef\.name|templateRef\.template|inputs\.parameters\.[^.]+\.value)$/;

/**
 * Parses Argo's `--node-field-selector` (Kubernetes field-selector syntax: `a=b,c!=d`, `==` allowed). A term
 * that does not parse is an error, as in Argo; so is a field Argo's selector has no value for (Argo would
 * silently match it against "", which only hides typos).
 */
export function parseNodeFieldSelector(selector: string): NodeFieldRequirement[] {
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

/** A node's value for a selector field, as Argo's SelectorMatchesNode reads it: "" when the node has none. */
function fieldValue(node: NodeStatus, field: string): string {
  switch (field) {
    case "displayName":
      return node.displayName ?? "";
    case "templateName":
      return node.templateRef?.template ?? node.templateName ?? "";
    case "phase":
      return node.phase ?? "";
    case "name":
      return node.name;
    case "id":
      return node.id;
    case "templateRef.name":
      return node.templateRef?.name ?? "";
    case "templateRef.template":
      return node.templateRef?.template ?? "";
    default: {
      const param = /^inputs\.parameters\.([^.]+)\.value$/.exec(field);
      return String(node.inputs?.parameters?.find((p) => p.name === param?.[1])?.value ?? "");
    }
  }
}

export function nodeMatches(node: NodeStatus, requirements: readonly NodeFieldRequirement[]): boolean {
  return requirements.every((r) => (fieldValue(node, r.field) === r.value) === r.equal);
}

/** The nodes a selector picks; every node when the selector is empty or absent. */
export function selectNodes<N extends NodeStatus>(nodes: readonly N[], selector: string | undefined): N[] {
  const requirements = parseNodeFieldSelector(selector ?? "");
  return nodes.filter((node) => nodeMatches(node, requirements));
}
