// The Argo engine's template calls on the wire: which Kubernetes requests it makes (the RBAC verbs the README's
// Role lists), a replace racing another writer, and a ClusterWorkflowTemplate when the deployment allows them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkflowTemplate } from "../../../../lib/argo";
import { createArgoEngine } from "../../../../lib/engine/argo";
import { ScriptedArgoController } from "../../../support/fake-k8s/scripted-controller";
import { FakeKubeApiServer } from "../../../support/fake-k8s/server";

let server: FakeKubeApiServer;
let url: string;
const engineFor = (clusterTemplates = false) =>
  createArgoEngine(
    {
      cluster: { mode: "server", server: url, skipTLSVerify: true, token: { token: async () => "t" } },
      namespace: "skiff",
      clusterTemplates,
    },
    { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } },
  );

const library = (name: string, word: string): WorkflowTemplate => ({
  apiVersion: "argoproj.io/v1alpha1",
  kind: "WorkflowTemplate",
  metadata: { name },
  spec: { templates: [{ name: "say", container: { image: "alpine", command: ["echo", word] } }] },
});

beforeAll(async () => {
  server = new FakeKubeApiServer({ controller: new ScriptedArgoController() });
  url = await server.start();
});
afterAll(() => server.stop());

const templateRequests = () =>
  server.requests
    .filter((r) => r.path.includes("workflowtemplates"))
    .map((r) => `${r.method} ${r.path.split("?")[0]}`);

describe("the Argo engine's WorkflowTemplates", () => {
  it("creates in its namespace, then replaces with the stored resourceVersion (get, create, update)", async () => {
    const engine = engineFor();
    server.requests.length = 0;
    await engine.installTemplate(library("wire", "one"));
    const second = await engine.installTemplate(library("wire", "two"));
    const base = "/apis/argoproj.io/v1alpha1/namespaces/skiff/workflowtemplates";
    expect(templateRequests()).toEqual([
      `GET ${base}/wire`,
      `POST ${base}`,
      `GET ${base}/wire`,
      `PUT ${base}/wire`,
    ]);
    expect(second.metadata).toMatchObject({ name: "wire", namespace: "skiff" });
    expect(
      server.templates.get("WorkflowTemplate", "skiff", "wire")?.spec.templates?.[0]?.container?.command,
    ).toEqual(["echo", "two"]);
  });

  it("reads again and retries when another writer changed the template between its read and its write (409)", async () => {
    const engine = engineFor();
    await engine.installTemplate(library("raced", "one"));
    server.faults.push({ method: "PUT", path: "/workflowtemplates/raced", status: 409 });
    await engine.installTemplate(library("raced", "two"));
    expect(
      server.templates.get("WorkflowTemplate", "skiff", "raced")?.spec.templates?.[0]?.container?.command,
    ).toEqual(["echo", "two"]);
  });

  it("installs a ClusterWorkflowTemplate cluster-wide when enabled", async () => {
    const engine = engineFor(true);
    server.requests.length = 0;
    await engine.installTemplate({
      ...library("everywhere", "hi"),
      kind: "ClusterWorkflowTemplate",
    } as never);
    expect(templateRequests()).toEqual([
      "GET /apis/argoproj.io/v1alpha1/clusterworkflowtemplates/everywhere",
      "POST /apis/argoproj.io/v1alpha1/clusterworkflowtemplates",
    ]);
    expect(await engine.getTemplate({ kind: "ClusterWorkflowTemplate", name: "everywhere" })).toMatchObject({
      kind: "ClusterWorkflowTemplate",
      metadata: { name: "everywhere" },
    });
    expect(await engine.deleteTemplate({ kind: "ClusterWorkflowTemplate", name: "everywhere" })).toBe(true);
  });

  it("lists its namespace's WorkflowTemplates, and the ClusterWorkflowTemplates when enabled (list)", async () => {
    const engine = engineFor(true);
    await engine.installTemplate(library("listed-b", "b"));
    await engine.installTemplate(library("listed-a", "a"));
    await engine.installTemplate({ ...library("listed-c", "c"), kind: "ClusterWorkflowTemplate" } as never);
    server.requests.length = 0;
    const names = (await engine.listTemplates("WorkflowTemplate")).map((t) => t.metadata.name);
    expect(names.filter((n) => n?.startsWith("listed-"))).toEqual(["listed-a", "listed-b"]);
    const cluster = await engine.listTemplates("ClusterWorkflowTemplate");
    expect(cluster.map((t) => t.metadata.name)).toContain("listed-c");
    expect(templateRequests()).toEqual([
      "GET /apis/argoproj.io/v1alpha1/namespaces/skiff/workflowtemplates",
      "GET /apis/argoproj.io/v1alpha1/clusterworkflowtemplates",
    ]);
    await expect(engineFor(false).listTemplates("ClusterWorkflowTemplate")).rejects.toThrow(/not enabled/);
  });
});
