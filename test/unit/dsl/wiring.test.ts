import {
  and,
  artifact,
  chain,
  configMapEnv,
  container,
  dag,
  eq,
  fieldEnv,
  http,
  not,
  or,
  param,
  resource,
  secretEnv,
  steps,
  suspend,
  templateRef,
  workflow,
} from "skiff";
import { describe, expect, it } from "vitest";
import type { DAGTask, Template, Workflow, WorkflowStep } from "../../../lib/argo";
import { argoValidator } from "./argo-schema";

const validate = argoValidator();

const producer = container({
  name: "producer",
  image: "alpine",
  outputs: { dataset: param({ valueFrom: { path: "/tmp/d" } }), file: artifact({ path: "/tmp/f" }) },
});
const consumer = container({
  name: "consumer",
  image: "alpine",
  inputs: { data: param(), mode: param("fast"), file: artifact({ path: "/in" }) },
});
const echo = container({ name: "echo", image: "alpine", command: ["echo"] });

function tasksOf(spec: Workflow, name: string): DAGTask[] {
  return spec.spec.templates?.find((template) => template.name === name)?.dag?.tasks ?? [];
}

describe("wiring by reference", () => {
  it("compiles outputs to {{tasks...}} in a DAG and adds the edge Argo needs", () => {
    const main = dag("main", (d) => {
      const a = d.task("a", producer);
      d.task("b", consumer, { args: { data: a.outputs.dataset, file: a.outputs.file } });
    });
    const spec = workflow({ generateName: "w-", entrypoint: main }).toSpec() as Workflow;
    const b = tasksOf(spec, "main")[1];
    expect(b).toEqual({
      name: "b",
      template: "consumer",
      depends: "a",
      arguments: {
        parameters: [{ name: "data", value: "{{tasks.a.outputs.parameters.dataset}}" }],
        artifacts: [{ name: "file", from: "{{tasks.a.outputs.artifacts.file}}" }],
      },
    });
    expect(validate(spec).errors).toEqual([]);
  });

  it("compiles outputs to {{steps...}} in steps", () => {
    const main = steps("main", (s) => {
      const a = s.step("a", producer);
      s.step("b", consumer, { args: { data: a.outputs.dataset, file: a.outputs.file, mode: 3 } });
    });
    const spec = workflow({ generateName: "w-", entrypoint: main }).toSpec() as Workflow;
    const groups = spec.spec.templates?.find((template) => template.name === "main")
      ?.steps as WorkflowStep[][];
    expect(groups).toHaveLength(2);
    expect(groups[1][0].arguments).toEqual({
      parameters: [
        { name: "data", value: "{{steps.a.outputs.parameters.dataset}}" },
        { name: "mode", value: "3" },
      ],
      artifacts: [{ name: "file", from: "{{steps.a.outputs.artifacts.file}}" }],
    });
  });

  it("makes misspelled inputs and outputs TypeScript errors", () => {
    dag("typed", (d) => {
      const a = d.task("a", producer);
      // @ts-expect-error: "dataset" is the declared output, not "datset".
      const wrong: string = a.outputs.datset;
      expect(wrong).toBeUndefined();
      // A parameter with a default, value or valueFrom may be omitted.
      const fromConfig = container({
        name: "from-config",
        image: "alpine",
        inputs: {
          a: param({ valueFrom: { configMapKeyRef: { name: "c", key: "k" } } }),
          b: param({ value: 1 }),
        },
      });
      d.task("optional", fromConfig);
      // @ts-expect-error: "data" is required (and plain JS callers get the DslError).
      expect(() => d.task("no-args", consumer, { args: { mode: "x" } })).toThrow(/needs argument "data"/);
    });
  });

  it("chains like Hera's A >> [B, C] >> D, and combines typed depends helpers", () => {
    const main = dag("main", (d) => {
      const [a, b, c, e] = ["a", "b", "c", "e"].map((name) => d.task(name, echo));
      chain(a, [b, c], e);
      d.task("f", echo, { depends: or(and(a.succeeded, not(b.failed)), c.anySucceeded) });
      d.task("g", echo, { depends: e.allFailed }).after(a);
      d.task("h", echo, { dependencies: [a, "b"] });
      d.task("i", echo, { depends: or(a.errored, a.skipped, a.omitted, a.daemoned) });
    });
    const byName = Object.fromEntries(
      tasksOf(workflow({ generateName: "w-", entrypoint: main }).toSpec() as Workflow, "main").map((t) => [
        t.name,
        t,
      ]),
    );
    expect(byName.b.depends).toBe("a");
    expect(byName.c.depends).toBe("a");
    expect(byName.e.depends).toBe("b && c");
    expect(byName.f.depends).toBe("(a.Succeeded && !b.Failed) || c.AnySucceeded");
    expect(byName.g.depends).toBe("e.AllFailed && a");
    expect(byName.h).toMatchObject({ dependencies: ["a", "b"] });
    expect(byName.h.depends).toBeUndefined();
    expect(byName.i.depends).toBe("a.Errored || a.Skipped || a.Omitted || a.Daemoned");
  });

  it("renders when, loops, continueOn, hooks, onExit and the task escape hatch", () => {
    const cleanup = container({ name: "cleanup", image: "alpine" });
    const main = dag("main", (d) => {
      const a = d.task("a", producer);
      d.task("b", echo, {
        when: eq(a.result, "go"),
        withItems: [1, "two", { three: 3 }],
        continueOn: { failed: true },
        onExit: cleanup,
        hooks: { running: { template: cleanup, expression: "workflow.status == 'Running'" } },
        extra: { inline: undefined, withParam: undefined },
      });
      d.task("c", echo, { withParam: [1, 2], depends: a });
      d.task("s", echo, { withSequence: { count: "3" }, extra: { when: "{{=true}}" } });
    });
    const spec = workflow({ generateName: "w-", entrypoint: main }).toSpec() as Workflow;
    const [, b, c, s] = tasksOf(spec, "main");
    expect(b).toEqual({
      name: "b",
      template: "echo",
      depends: "a",
      when: "{{tasks.a.outputs.result}} == go",
      withItems: [1, "two", { three: 3 }],
      continueOn: { failed: true },
      onExit: "cleanup",
      hooks: { running: { template: "cleanup", expression: "workflow.status == 'Running'" } },
    });
    expect(c).toMatchObject({ withParam: "[1,2]", depends: "a" });
    expect(s).toMatchObject({ withSequence: { count: "3" }, when: "{{=true}}" });
    expect(spec.spec.templates?.map((template) => template.name).sort()).toEqual([
      "cleanup",
      "echo",
      "main",
      "producer",
    ]);
    expect(validate(spec).errors).toEqual([]);
  });

  it("runs templateRefs with typed arguments and outputs", () => {
    const stored = templateRef({
      name: "library",
      template: "train",
      inputs: { epochs: param() },
      outputs: { model: artifact() },
    });
    const main = dag("main", (d) => {
      const train = d.task("train", stored, { args: { epochs: 3 } });
      d.task("use", consumer, { args: { data: "x", file: train.outputs.model } });
    });
    const tasks = tasksOf(workflow({ generateName: "w-", entrypoint: main }).toSpec() as Workflow, "main");
    expect(tasks[0]).toEqual({
      name: "train",
      templateRef: { name: "library", template: "train" },
      arguments: { parameters: [{ name: "epochs", value: "3" }] },
    });
    expect(tasks[1].arguments?.artifacts).toEqual([
      { name: "file", from: "{{tasks.train.outputs.artifacts.model}}" },
    ]);
  });
});

describe("pod settings and workflow options", () => {
  it("renders env, resources, volumes, scheduling, security, metadata and the template escape hatch", () => {
    const job = container({
      name: "job",
      image: "python:3.12",
      command: ["python", "-c", "print(1)"],
      env: {
        PLAIN: 1,
        TOKEN: secretEnv("api", "token"),
        MODE: configMapEnv("cfg", "mode"),
        POD: fieldEnv("metadata.name"),
      },
      resources: { requests: { cpu: "500m", memory: "256Mi" }, limits: { memory: "512Mi" } },
      volumeMounts: [{ name: "work", mountPath: "/work" }],
      securityContext: { runAsNonRoot: true },
      podSecurityContext: { fsGroup: 1000 },
      volumes: [{ name: "cache", emptyDir: {} }],
      nodeSelector: { "kubernetes.io/arch": "arm64" },
      tolerations: [{ key: "spot", operator: "Exists", effect: "NoSchedule" }],
      affinity: { nodeAffinity: {} },
      serviceAccountName: "runner",
      podSpecPatch: '{"terminationGracePeriodSeconds": 5}',
      sidecars: [{ name: "db", image: "postgres:16" }],
      initContainers: [{ name: "prep", image: "busybox", command: ["true"] }],
      labels: { team: "data" },
      podAnnotations: { note: "x" },
      retryStrategy: { limit: 2, retryPolicy: "OnFailure", expression: "lastRetry.status == 'Error'" },
      timeout: "5m",
      activeDeadlineSeconds: 300,
      synchronization: { mutexes: [{ name: "job" }] },
      memoize: { key: "{{inputs.parameters.x}}", maxAge: "1h", cache: { configMap: { name: "memo" } } },
      extra: { container: { workingDir: "/work" } as Template["container"], priorityClassName: "high" },
    });
    const spec = workflow({
      generateName: "w-",
      entrypoint: job,
      serviceAccountName: "wf",
      ttlStrategy: { secondsAfterCompletion: 60 },
      podGC: { strategy: "OnPodSuccess" },
      volumeClaimTemplates: [
        {
          metadata: { name: "work" },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
        },
      ],
      templateDefaults: { timeout: "10m" },
      imagePullSecrets: ["regcred", { name: "other" }],
      extra: { priority: 3 },
    }).toSpec() as Workflow;
    const rendered = spec.spec.templates?.[0];
    expect(rendered?.container).toEqual({
      image: "python:3.12",
      command: ["python", "-c", "print(1)"],
      env: [
        { name: "PLAIN", value: "1" },
        { name: "TOKEN", valueFrom: { secretKeyRef: { name: "api", key: "token" } } },
        { name: "MODE", valueFrom: { configMapKeyRef: { name: "cfg", key: "mode" } } },
        { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      ],
      resources: { requests: { cpu: "500m", memory: "256Mi" }, limits: { memory: "512Mi" } },
      volumeMounts: [{ name: "work", mountPath: "/work" }],
      securityContext: { runAsNonRoot: true },
      workingDir: "/work",
    });
    expect(rendered).toMatchObject({
      securityContext: { fsGroup: 1000 },
      metadata: { labels: { team: "data" }, annotations: { note: "x" } },
      serviceAccountName: "runner",
      priorityClassName: "high",
      timeout: "5m",
      activeDeadlineSeconds: 300,
    });
    expect(spec.spec).toMatchObject({
      serviceAccountName: "wf",
      imagePullSecrets: [{ name: "regcred" }, { name: "other" }],
      priority: 3,
      templateDefaults: { timeout: "10m" },
    });
    expect(validate(spec).errors).toEqual([]);
  });

  it("accepts a build-parameters function as a pipeline would export it", () => {
    const build = (parameters: Record<string, string>) =>
      workflow({ generateName: `${parameters.env ?? "dev"}-`, entrypoint: echo });
    expect(build({ env: "prod" }).toSpec().metadata.generateName).toBe("prod-");
  });
});

describe("resource, http and suspend templates", () => {
  it("render their Argo bodies, with object manifests and header records", () => {
    const create = resource({
      name: "create",
      action: "create",
      setOwnerReference: true,
      successCondition: "status.succeeded > 0",
      manifest: { apiVersion: "batch/v1", kind: "Job", metadata: { generateName: "job-" } },
      outputs: { job: param({ valueFrom: { jsonPath: "{.metadata.name}" } }) },
    });
    const call = http({
      name: "call",
      url: "http://localhost:8080/health",
      headers: { accept: "application/json" },
      successCondition: "response.statusCode == 200",
    });
    const wait = suspend({ name: "wait", duration: 60 });
    const main = dag("main", (d) => {
      const job = d.task("create", create);
      d.task("call", call).after(job);
      d.task("wait", wait).after(job);
    });
    const manifest = workflow({ generateName: "w-", entrypoint: main }).toSpec() as Workflow;
    const byName = Object.fromEntries((manifest.spec.templates ?? []).map((t) => [t.name, t]));
    expect(byName.create.resource).toEqual({
      action: "create",
      setOwnerReference: true,
      successCondition: "status.succeeded > 0",
      manifest: JSON.stringify(
        { apiVersion: "batch/v1", kind: "Job", metadata: { generateName: "job-" } },
        null,
        2,
      ),
    });
    expect(byName.call.http).toEqual({
      url: "http://localhost:8080/health",
      headers: [{ name: "accept", value: "application/json" }],
      successCondition: "response.statusCode == 200",
    });
    expect(byName.wait.suspend).toEqual({ duration: "60" });
    expect(validate(manifest).errors).toEqual([]);
  });
});
