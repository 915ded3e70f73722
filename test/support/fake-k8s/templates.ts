import { randomUUID } from "node:crypto";
import type { ClusterWorkflowTemplate, WorkflowTemplate } from "../../../lib/argo";
import type { TemplateKind } from "../../../lib/ports/engine";

export type TemplateObject = WorkflowTemplate | ClusterWorkflowTemplate;

const NAMESPACED = /^\/apis\/argoproj\.io\/v1alpha1\/namespaces\/([^/]+)\/workflowtemplates(?:\/([^/]+))?$/;
const CLUSTER = /^\/apis\/argoproj\.io\/v1alpha1\/clusterworkflowtemplates(?:\/([^/]+))?$/;

/** An answer: status code and JSON body (a Kubernetes `Status` for errors). */
export interface TemplateAnswer {
  code: number;
  body: unknown;
}

/**
 * The API server's `workflowtemplates` (namespaced) and `clusterworkflowtemplates` (cluster-scoped): create (409 when
 * the name is taken), get, list, replace (409 on a stale `metadata.resourceVersion`, 404 when absent), delete.
 */
export class FakeTemplateStore {
  private readonly objects = new Map<string, TemplateObject>();
  private version = 1;

  constructor(private readonly onChange: (kind: TemplateKind, namespace: string, name: string) => void) {}

  /** The stored object, or undefined. */
  get(kind: TemplateKind, namespace: string, name: string): TemplateObject | undefined {
    const found = this.objects.get(key(kind, namespace, name));
    return found && structuredClone(found);
  }

  /** Answers a request on a template path; undefined for any other path. */
  handle(method: string, path: string, body: string): TemplateAnswer | undefined {
    const namespaced = NAMESPACED.exec(path);
    const cluster = namespaced ? undefined : CLUSTER.exec(path);
    if (!namespaced && !cluster) return undefined;
    const kind: TemplateKind = namespaced ? "WorkflowTemplate" : "ClusterWorkflowTemplate";
    const namespace = namespaced ? decodeURIComponent(namespaced[1] ?? "") : "";
    const rawName = namespaced ? namespaced[2] : cluster?.[1];
    const name = rawName ? decodeURIComponent(rawName) : undefined;
    const plural = kind === "WorkflowTemplate" ? "workflowtemplates" : "clusterworkflowtemplates";
    const notFound = (n: string) => status(404, "NotFound", `${plural}.argoproj.io "${n}" not found`);
    if (!name && method === "GET") {
      const items = [...this.objects.entries()]
        .filter(([k]) => k.startsWith(`${kind}/${namespace}/`))
        .map(([, v]) => v);
      return {
        code: 200,
        body: { kind: `${kind}List`, metadata: { resourceVersion: String(this.version) }, items },
      };
    }
    if (!name && method === "POST") {
      const object = parse(body);
      if (!object) return status(400, "BadRequest", "the body is not a JSON object");
      if (object.kind !== kind) return status(400, "BadRequest", `the body is not a ${kind}`);
      const objectName = object.metadata?.name;
      if (!objectName) return status(422, "Invalid", "metadata.name: Required value");
      if (this.objects.has(key(kind, namespace, objectName)))
        return status(409, "AlreadyExists", `${plural}.argoproj.io "${objectName}" already exists`);
      object.metadata = {
        ...object.metadata,
        ...(namespaced ? { namespace } : {}),
        uid: randomUUID(),
        creationTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      };
      return { code: 201, body: this.store(kind, namespace, objectName, object) };
    }
    if (!name) return undefined;
    const current = this.objects.get(key(kind, namespace, name));
    if (method === "GET") return current ? { code: 200, body: current } : notFound(name);
    if (method === "PUT") {
      if (!current) return notFound(name);
      const object = parse(body);
      if (!object) return status(400, "BadRequest", "the body is not a JSON object");
      if (object.metadata?.resourceVersion !== current.metadata.resourceVersion) {
        return status(
          409,
          "Conflict",
          `Operation cannot be fulfilled on ${plural}.argoproj.io "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        );
      }
      object.metadata = {
        ...object.metadata,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
      };
      return { code: 200, body: this.store(kind, namespace, name, object) };
    }
    if (method === "DELETE") {
      if (!current) return notFound(name);
      this.objects.delete(key(kind, namespace, name));
      this.onChange(kind, namespace, name);
      return { code: 200, body: { kind: "Status", apiVersion: "v1", status: "Success" } };
    }
    return undefined;
  }

  private store(kind: TemplateKind, namespace: string, name: string, object: TemplateObject): TemplateObject {
    this.version++;
    object.metadata.resourceVersion = String(this.version);
    object.metadata.generation = (object.metadata.generation ?? 0) + 1;
    this.objects.set(key(kind, namespace, name), object);
    this.onChange(kind, namespace, name);
    return structuredClone(object);
  }
}

function key(kind: TemplateKind, namespace: string, name: string): string {
  return `${kind}/${kind === "ClusterWorkflowTemplate" ? "" : namespace}/${name}`;
}

function parse(body: string): TemplateObject | undefined {
  try {
    const value = JSON.parse(body) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as TemplateObject)
      : undefined;
  } catch {
    return undefined;
  }
}

function status(code: number, reason: string, message: string): TemplateAnswer {
  return {
    code,
    body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code },
  };
}
