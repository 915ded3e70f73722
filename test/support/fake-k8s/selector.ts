import { matchesLabels, parseLabelSelector } from "../../../lib/engine/local/selector";

/** Kubernetes label selector matching, with the parser the local engine uses (one implementation). */
export function matchesLabelSelector(
  selector: string | undefined,
  labels: Record<string, string> = {},
): boolean {
  if (!selector?.trim()) return true;
  return matchesLabels(parseLabelSelector(selector), labels);
}
