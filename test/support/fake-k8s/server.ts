import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Workflow } from "../../../lib/argo";
import type { TemplateKind } from "../../../lib/ports/engine";
import { workflowValidator } from "./schema";
import { matchesLabelSelector } from "./selector";
import { FakeTemplateStore, type TemplateObject } from "./templates";

/** A scripted failure for matching requests (the real API server's 429/5xx/timeouts). */
export interface Fault {
  method: string;
  /** Substring of the request path. */
  path?: string;
  /** Answer with this status (a Kubernetes Status body), unless `hangMs`. */
  status?: number;
  /** Handle the request for real first, then fail the response (a lost answer). */
  afterHandling?: boolean;
  /** Do not answer for this long (the client's timeout fires). */
  hangMs?: number;
  /** How many matching requests fail. Default 1. */
  times?: number;
  retryAfterSeconds?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  contentType?: string;
  authorization?: string;
}

/** Reacts to workflow changes like Argo's controller would (scripted or backed by a real engine). */
export interface FakeController {
  onChange(server: FakeKubeApiServer, workflow: Workflow, type: "ADDED" | "MODIFIED"): void;
  onPodDeleted?(server: FakeKubeApiServer, namespace: string, pod: string): void;
  /** A (Cluster)WorkflowTemplate was created, replaced or deleted (`object` undefined). */
  onTemplate?(kind: TemplateKind, namespace: string, name: string, object: TemplateObject | undefined): void;
  close?(): Promise<void> | void;
}

interface StoredEvent {
  rv: number;
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: Workflow;
}

export interface FakeKubeApiServerOptions {
  /** Accepts a bearer token; default any non-empty token. */
  authorize?: (token: string | undefined) => boolean;
  controller?: FakeController;
  /** Validate created/replaced workflows against Argo's schema. Default true. */
  validate?: boolean;
  /** Serve HTTPS with this key and certificate (PEM), as a real API server does. Default plain HTTP. */
  tls?: { key: string; cert: string };
}

const WORKFLOWS = /^\/apis\/argoproj\.io\/v1alpha1\/namespaces\/([^/]+)\/workflows(?:\/([^/]+))?$/;
const ARGO_SERVER_ACTION =
  /^\/api\/v1\/workflows\/([^/]+)\/([^/]+)\/(stop|terminate|suspend|resume|retry|resubmit)$/;
const POD = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)(\/log)?$/;

/**
 * A Kubernetes API server for `argoproj.io/v1alpha1 workflows` (and `workflowtemplates`,
 * `clusterworkflowtemplates`: ./templates.ts) speaking the real wire protocol:
 * JSON bodies, `Status` errors, generateName, resourceVersion bookkeeping, merge patch
 * (`application/merge-patch+json`), optimistic concurrency on PUT (409), label selectors with
 * `limit`/`continue` pagination, watch streams (`?watch=true`, newline-delimited events, 410 for
 * expired resourceVersions), pod logs and pod deletion.
 */
export class FakeKubeApiServer {
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  /** Every workflow body accepted by create (after validation). */
  readonly created: Workflow[] = [];
  readonly deletedPods: string[] = [];
  /** Where pod logs come from when `setPodLog` has none (e.g. a controller backed by a real engine). */
  podLogSource?: (namespace: string, pod: string) => Promise<string[] | undefined>;
  /** Whether the pod's main container still runs (a `follow=true` log stream stays open until it stops). */
  podActive?: (namespace: string, pod: string) => Promise<boolean>;
  private readonly workflows = new Map<string, Workflow>();
  private readonly podLogs = new Map<string, string[]>();
  private readonly history: StoredEvent[] = [];
  private readonly watchers = new Set<{ ns: string; selector?: string; res: ServerResponse }>();
  private resourceVersion = 100;
  /** Events at or below this resourceVersion are compacted away (watching from older gets 410). */
  private compactedThrough = 0;
  private server?: Server;
  url = "";
  /** `workflowtemplates` and `clusterworkflowtemplates`. */
  readonly templates = new FakeTemplateStore((kind, namespace, name) =>
    this.options.controller?.onTemplate?.(kind, namespace, name, this.templates.get(kind, namespace, name)),
  );

  constructor(private readonly options: FakeKubeApiServerOptions = {}) {}

  async start(): Promise<string> {
    const listener = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((error) => {
        if (!res.headersSent) this.status(res, 500, "InternalError", String(error));
      });
    };
    this.server = this.options.tls ? createTlsServer(this.options.tls, listener) : createServer(listener);
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const scheme = this.options.tls ? "https" : "http";
    this.url = `${scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const watcher of this.watchers) watcher.res.end();
    this.watchers.clear();
    await this.options.controller?.close?.();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // --- what controllers and tests use -------------------------------------------------------

  workflow(namespace: string, name: string): Workflow | undefined {
    const wf = this.workflows.get(`${namespace}/${name}`);
    return wf && structuredClone(wf);
  }

  allWorkflows(): Workflow[] {
    return [...this.workflows.values()].map((wf) => structuredClone(wf));
  }

  /** Writes a workflow the way Argo's controller does (a full update: resourceVersion and generation bump). */
  update(namespace: string, name: string, mutate: (wf: Workflow) => void): Workflow | undefined {
    const current = this.workflows.get(`${namespace}/${name}`);
    if (!current) return undefined;
    const next = structuredClone(current);
    mutate(next);
    return this.store(next, "MODIFIED", false);
  }

  /**
   * Deletes a workflow the way Argo's TTL controller does, and its pods with it (their owner reference):
   * watchers get DELETED and the pods' logs are gone. False when there was no such workflow.
   */
  removeWorkflow(namespace: string, name: string, pods: string[] = []): boolean {
    const gone = this.drop(namespace, name);
    for (const pod of pods) this.podLogs.delete(`${namespace}/${pod}`);
    return gone;
  }

  setPodLog(namespace: string, pod: string, lines: string[]): void {
    this.podLogs.set(`${namespace}/${pod}`, lines);
  }

  /** Drops the watch history: watches from an older resourceVersion now get 410 Gone. */
  compact(): void {
    // Like an etcd compaction: every version held before now is too old to watch from.
    this.resourceVersion++;
    this.compactedThrough = this.resourceVersion;
    this.history.length = 0;
  }

  /** Watch streams currently open. */
  get openWatches(): number {
    return this.watchers.size;
  }

  /** Ends every open watch stream (as API servers do on timeouts). */
  closeWatches(): void {
    for (const watcher of this.watchers) watcher.res.end();
    this.watchers.clear();
  }

  // --- HTTP ------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    const method = req.method ?? "GET";
    this.requests.push({
      method,
      path: url.pathname + url.search,
      contentType: req.headers["content-type"],
      authorization: req.headers.authorization,
    });
    const body = await readBody(req);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const authorize = this.options.authorize ?? ((t) => Boolean(t));
    if (!authorize(token)) return this.status(res, 401, "Unauthorized", "Unauthorized");

    const fault = this.takeFault(method, url.pathname);
    if (fault && !fault.afterHandling) return this.fail(res, fault);
    const respond = fault ? new Discard() : res;
    await this.route(method, url, body, req, respond as ServerResponse);
    if (fault) return this.fail(res, fault);
  }

  private async route(method: string, url: URL, body: string, req: IncomingMessage, res: ServerResponse) {
    const wfMatch = WORKFLOWS.exec(url.pathname);
    if (wfMatch) {
      const [, ns, name] = wfMatch.map((s) => (s ? decodeURIComponent(s) : s));
      if (!name && method === "GET" && url.searchParams.get("watch") === "true")
        return this.watch(ns, url, res);
      if (!name && method === "GET") return this.list(ns, url, res);
      if (!name && method === "POST") return this.create(ns, body, req, res);
      if (name && method === "GET") return this.get(ns, name, res);
      if (name && method === "PATCH") return this.patch(ns, name, body, req, res);
      if (name && method === "PUT") return this.replace(ns, name, body, res);
      if (name && method === "DELETE") return this.delete(ns, name, res);
    }
    const template = this.templates.handle(method, url.pathname, body);
    if (template) return this.json(res, template.code, template.body);
    const action = ARGO_SERVER_ACTION.exec(url.pathname);
    if (action && method === "PUT") return this.argoServerAction(action[1], action[2], action[3], body, res);
    const podMatch = POD.exec(url.pathname);
    if (podMatch) {
      const [, ns, pod, log] = podMatch;
      if (log && method === "GET") {
        const tail = url.searchParams.get("tailLines");
        return this.log(
          ns,
          pod,
          url.searchParams.get("follow") === "true",
          res,
          tail ? Number(tail) : undefined,
        );
      }
      if (!log && method === "DELETE" && !this.podLogs.has(`${ns}/${pod}`) && this.podLogSource) {
        // Pods of an engine-backed controller are not tracked here; deleting one is accepted.
        this.deletedPods.push(pod);
        return this.json(res, 200, { kind: "Status", status: "Success" });
      }
      if (!log && method === "DELETE") {
        if (!this.podLogs.has(`${ns}/${pod}`))
          return this.status(res, 404, "NotFound", `pods "${pod}" not found`);
        this.podLogs.delete(`${ns}/${pod}`);
        this.deletedPods.push(pod);
        this.options.controller?.onPodDeleted?.(this, ns, pod);
        return this.json(res, 200, { kind: "Status", status: "Success" });
      }
    }
    this.status(
      res,
      404,
      "NotFound",
      `the server could not find the requested resource (${method} ${url.pathname})`,
    );
  }

  /**
   * Argo Server's workflow actions (`PUT /api/v1/workflows/{ns}/{name}/{action}`), applied the way
   * Argo Server does for stop/terminate/suspend/resume/resubmit. Retry is simplified: the status is
   * cleared and the controller runs the whole workflow again (same object, same uid).
   */
  private argoServerAction(ns: string, name: string, action: string, body: string, res: ServerResponse) {
    const current = this.workflows.get(`${ns}/${name}`);
    if (!current) return this.notFound(res, name);
    const request = (parseJson(body) ?? {}) as Record<string, unknown>;
    if (request.name !== name || request.namespace !== ns) {
      return this.status(res, 400, "BadRequest", "the request body must name the workflow (namespace, name)");
    }
    const completed = current.metadata.labels?.["workflows.argoproj.io/completed"] === "true";
    const next = structuredClone(current);
    switch (action) {
      case "stop":
      case "terminate":
        if (completed) return this.status(res, 409, "Conflict", "cannot shutdown a completed workflow");
        next.spec.shutdown = action === "stop" ? "Stop" : "Terminate";
        break;
      case "suspend":
        next.spec.suspend = true;
        break;
      case "resume":
        delete next.spec.suspend;
        break;
      case "retry": {
        const phase = current.status?.phase;
        if (phase !== "Failed" && phase !== "Error") {
          return this.status(res, 409, "Conflict", `Cannot retry a workflow in phase ${phase}`);
        }
        next.status = {};
        delete next.spec.shutdown;
        const labels = { ...(next.metadata.labels ?? {}) };
        delete labels["workflows.argoproj.io/completed"];
        delete labels["workflows.argoproj.io/phase"];
        next.metadata.labels = labels;
        break;
      }
      case "resubmit": {
        const labels = Object.fromEntries(
          Object.entries(current.metadata.labels ?? {}).filter(
            ([k]) => !k.startsWith("workflows.argoproj.io/"),
          ),
        );
        const copy: Workflow = {
          apiVersion: "argoproj.io/v1alpha1",
          kind: "Workflow",
          metadata: {
            name: (current.metadata.generateName || `${name}-`) + randomSuffix(),
            namespace: ns,
            uid: randomUUID(),
            creationTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
            labels: { ...labels, "workflows.argoproj.io/resubmitted-from-workflow": name },
          },
          spec: { ...structuredClone(current.spec), shutdown: undefined },
        };
        this.created.push(structuredClone(copy));
        return this.json(res, 200, this.store(copy, "ADDED", false));
      }
    }
    this.json(res, 200, this.store(next, "MODIFIED", true));
  }

  private create(ns: string, body: string, req: IncomingMessage, res: ServerResponse) {
    if (!req.headers["content-type"]?.startsWith("application/json")) {
      return this.status(
        res,
        415,
        "UnsupportedMediaType",
        `unsupported content type ${req.headers["content-type"]}`,
      );
    }
    const wf = parseJson(body) as Workflow | undefined;
    if (!wf || typeof wf !== "object")
      return this.status(res, 400, "BadRequest", "the body is not a JSON object");
    if (!this.valid(wf, res)) return;
    wf.metadata ??= {};
    if (wf.metadata.namespace && wf.metadata.namespace !== ns) {
      return this.status(
        res,
        400,
        "BadRequest",
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    }
    if (!wf.metadata.name) {
      if (!wf.metadata.generateName)
        return this.status(
          res,
          422,
          "Invalid",
          "metadata.name: Required value: name or generateName is required",
        );
      wf.metadata.name = wf.metadata.generateName + randomSuffix();
    }
    if (this.workflows.has(`${ns}/${wf.metadata.name}`)) {
      return this.status(
        res,
        409,
        "AlreadyExists",
        `workflows.argoproj.io "${wf.metadata.name}" already exists`,
      );
    }
    wf.metadata.namespace = ns;
    wf.metadata.uid = randomUUID();
    wf.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    wf.metadata.generation = 1;
    this.created.push(structuredClone(wf));
    const stored = this.store(wf, "ADDED", false);
    this.json(res, 201, stored);
  }

  private get(ns: string, name: string, res: ServerResponse) {
    const wf = this.workflows.get(`${ns}/${name}`);
    if (!wf) return this.notFound(res, name);
    this.json(res, 200, wf);
  }

  private list(ns: string, url: URL, res: ServerResponse) {
    const selector = url.searchParams.get("labelSelector") ?? undefined;
    const limit = Number(url.searchParams.get("limit") ?? 0);
    const start = Number(
      url.searchParams.get("continue")
        ? Buffer.from(url.searchParams.get("continue")!, "base64url").toString()
        : 0,
    );
    const matching = [...this.workflows.values()]
      .filter((wf) => wf.metadata.namespace === ns && matchesLabelSelector(selector, wf.metadata.labels))
      .sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
    const page = limit > 0 ? matching.slice(start, start + limit) : matching.slice(start);
    const next =
      limit > 0 && start + limit < matching.length
        ? Buffer.from(String(start + limit)).toString("base64url")
        : undefined;
    this.json(res, 200, {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "WorkflowList",
      metadata: { resourceVersion: String(this.resourceVersion), ...(next ? { continue: next } : {}) },
      items: page,
    });
  }

  private patch(ns: string, name: string, body: string, req: IncomingMessage, res: ServerResponse) {
    const type = req.headers["content-type"] ?? "";
    if (!type.startsWith("application/merge-patch+json")) {
      return this.status(
        res,
        415,
        "UnsupportedMediaType",
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${type})`,
      );
    }
    const current = this.workflows.get(`${ns}/${name}`);
    if (!current) return this.notFound(res, name);
    const patch = parseJson(body);
    if (!patch || typeof patch !== "object")
      return this.status(res, 400, "BadRequest", "invalid merge patch");
    const next = mergePatch(structuredClone(current), patch) as Workflow;
    if (!this.valid(next, res)) return;
    this.json(res, 200, this.store(next, "MODIFIED", true));
  }

  private replace(ns: string, name: string, body: string, res: ServerResponse) {
    const current = this.workflows.get(`${ns}/${name}`);
    if (!current) return this.notFound(res, name);
    const next = parseJson(body) as Workflow | undefined;
    if (!next?.metadata) return this.status(res, 400, "BadRequest", "the body is not a Workflow");
    if (next.metadata.resourceVersion !== current.metadata.resourceVersion) {
      return this.status(
        res,
        409,
        "Conflict",
        `Operation cannot be fulfilled on workflows.argoproj.io "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    if (!this.valid(next, res)) return;
    next.metadata.uid = current.metadata.uid;
    next.metadata.creationTimestamp = current.metadata.creationTimestamp;
    this.json(res, 200, this.store(next, "MODIFIED", true));
  }

  private delete(ns: string, name: string, res: ServerResponse) {
    if (!this.drop(ns, name)) return this.notFound(res, name);
    this.json(res, 200, { kind: "Status", status: "Success" });
  }

  private drop(ns: string, name: string): boolean {
    const current = this.workflows.get(`${ns}/${name}`);
    if (!current) return false;
    this.workflows.delete(`${ns}/${name}`);
    this.resourceVersion++;
    const gone = {
      ...current,
      metadata: { ...current.metadata, resourceVersion: String(this.resourceVersion) },
    };
    this.publish({ rv: this.resourceVersion, type: "DELETED", object: gone });
    return true;
  }

  private async log(ns: string, pod: string, follow: boolean, res: ServerResponse, tailLines?: number) {
    const read = async () => this.podLogs.get(`${ns}/${pod}`) ?? (await this.podLogSource?.(ns, pod));
    let lines = await read();
    if (!lines) return this.status(res, 404, "NotFound", `pods "${pod}" not found`);
    res.writeHead(200, { "content-type": "text/plain", "transfer-encoding": "chunked" });
    // kubelet's tailLines: the stream starts that many lines before the end.
    let sent = tailLines !== undefined ? Math.max(0, lines.length - tailLines) : 0;
    const flush = (all: string[]) => {
      for (; sent < all.length; sent++) res.write(`${all[sent]}\n`);
    };
    flush(lines);
    while (follow && !res.destroyed && (await this.podActive?.(ns, pod))) {
      await new Promise((r) => setTimeout(r, 100));
      lines = (await read()) ?? lines;
      flush(lines);
    }
    flush((await read()) ?? lines);
    res.end();
  }

  private watch(ns: string, url: URL, res: ServerResponse) {
    const selector = url.searchParams.get("labelSelector") ?? undefined;
    const from = Number(url.searchParams.get("resourceVersion") ?? 0);
    res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
    if (from && from < this.compactedThrough) {
      res.end(
        `${JSON.stringify({ type: "ERROR", object: { kind: "Status", apiVersion: "v1", status: "Failure", message: `too old resource version: ${from} (${this.compactedThrough})`, reason: "Expired", code: 410 } })}\n`,
      );
      return;
    }
    const watcher = { ns, selector, res };
    for (const event of this.history) {
      if (event.rv > from && this.sees(watcher, event.object))
        res.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);
    }
    this.watchers.add(watcher);
    res.on("close", () => this.watchers.delete(watcher));
  }

  // --- internals -------------------------------------------------------------------------------

  private sees(watcher: { ns: string; selector?: string }, wf: Workflow): boolean {
    return wf.metadata.namespace === watcher.ns && matchesLabelSelector(watcher.selector, wf.metadata.labels);
  }

  private store(wf: Workflow, type: "ADDED" | "MODIFIED", notify: boolean): Workflow {
    const key = `${wf.metadata.namespace}/${wf.metadata.name}`;
    const before = this.workflows.get(key);
    this.resourceVersion++;
    wf.metadata.resourceVersion = String(this.resourceVersion);
    if (before && JSON.stringify(before.spec) !== JSON.stringify(wf.spec)) {
      wf.metadata.generation = (before.metadata.generation ?? 1) + 1;
    }
    this.workflows.set(key, wf);
    const copy = structuredClone(wf);
    this.publish({ rv: this.resourceVersion, type, object: copy });
    if (type === "ADDED" || notify) {
      queueMicrotask(() => this.options.controller?.onChange(this, structuredClone(wf), type));
    }
    return copy;
  }

  private publish(event: StoredEvent): void {
    this.history.push(event);
    for (const watcher of this.watchers) {
      if (this.sees(watcher, event.object))
        watcher.res.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);
    }
  }

  private valid(wf: Workflow, res: ServerResponse): boolean {
    if (this.options.validate === false) return true;
    const name = wf.metadata?.name ?? wf.metadata?.generateName ?? "";
    const validate = workflowValidator();
    if (validate(wf)) return true;
    const causes = (validate.errors ?? [])
      .slice(0, 10)
      .map((e) => ({ field: e.instancePath || "/", message: e.message ?? "invalid" }));
    this.status(
      res,
      422,
      "Invalid",
      `Workflow.argoproj.io "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(", ")}`,
      { causes },
    );
    return false;
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const index = this.faults.findIndex((f) => f.method === method && (!f.path || path.includes(f.path)));
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private fail(res: ServerResponse, fault: Fault): void {
    if (fault.hangMs) {
      setTimeout(() => {
        if (!res.destroyed) this.status(res, 504, "Timeout", "the server was not able to answer in time");
      }, fault.hangMs);
      return;
    }
    const headers: Record<string, string> =
      fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {};
    const status = fault.status ?? 500;
    this.status(
      res,
      status,
      status === 429 ? "TooManyRequests" : "InternalError",
      `injected fault ${status}`,
      undefined,
      headers,
    );
  }

  private notFound(res: ServerResponse, name: string) {
    this.status(res, 404, "NotFound", `workflows.argoproj.io "${name}" not found`);
  }

  private status(
    res: ServerResponse,
    code: number,
    reason: string,
    message: string,
    details?: unknown,
    headers: Record<string, string> = {},
  ) {
    this.json(
      res,
      code,
      {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message,
        reason,
        code,
        ...(details ? { details } : {}),
      },
      headers,
    );
  }

  private json(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}) {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(code, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  }
}

/** Swallows the response of a request that is handled for real but whose answer is "lost". */
class Discard {
  headersSent = false;
  destroyed = false;
  writeHead() {
    return this;
  }
  end() {}
  write() {
    return true;
  }
  on() {
    return this;
  }
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === "object" && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";
function randomSuffix(): string {
  return Array.from({ length: 5 }, () => ALPHANUMS[Math.floor(Math.random() * ALPHANUMS.length)]).join("");
}
