// The service account rule (lib/compiler/lint/service-accounts.ts) on every place Argo's schema lets a spec name
// one, and with the exit notifier the build injects.
import { describe, expect, it } from "vitest";
import type { Workflow } from "../../../../lib/argo";
import { injectExitNotifier, NOTIFIER_TEMPLATE } from "../../../../lib/compiler/exit-notifier";
import { lintSpec } from "../../../../lib/compiler/lint";
import {
  type ServiceAccountPolicy,
  serviceAccountPolicy,
  serviceAccountViolations,
} from "../../../../lib/compiler/lint/service-accounts";
import { defaultServiceAccounts } from "../../../../lib/config";

const workflow = (spec: Record<string, unknown>, kind = "Workflow"): Workflow =>
  ({
    apiVersion: "argoproj.io/v1alpha1",
    kind,
    metadata: { generateName: "sa-" },
    spec: {
      entrypoint: "main",
      templates: [{ name: "main", container: { image: "alpine", command: ["true"] } }],
      ...spec,
    },
  }) as Workflow;

const main = (fields: Record<string, unknown>) => ({
  templates: [{ name: "main", container: { image: "alpine", command: ["true"] }, ...fields }],
});

const defaultPolicy = serviceAccountPolicy(defaultServiceAccounts, undefined);
const notifierOptions = { eventBusName: "skiff-dev", serviceAccountName: "skiff-notifier" };
const argoPolicy = serviceAccountPolicy(
  { allowed: ["default", "trainer"], notifier: "skiff-notifier" },
  notifierOptions,
);
const paths = (spec: Workflow, policy: ServiceAccountPolicy = defaultPolicy) =>
  serviceAccountViolations(spec, policy).map((v) => [v.path, v.code]);

describe("service accounts a spec may name", () => {
  it("lets a spec name none, or the default account, under the default policy", () => {
    expect(paths(workflow({}))).toEqual([]);
    expect(
      paths(workflow({ serviceAccountName: "default", ...main({ serviceAccountName: "default" }) })),
    ).toEqual([]);
  });

  it("refuses an account outside the allow-list in every place Argo's schema has one", () => {
    const spec = workflow({
      serviceAccountName: "admin",
      executor: { serviceAccountName: "admin" },
      artifactGC: { serviceAccountName: "admin" },
      templateDefaults: { serviceAccountName: "admin" },
      templates: [
        {
          name: "main",
          serviceAccountName: "admin",
          executor: { serviceAccountName: "admin" },
          container: { image: "alpine" },
          outputs: { artifacts: [{ name: "a", path: "/a", artifactGC: { serviceAccountName: "admin" } }] },
        },
        {
          name: "s",
          steps: [[{ name: "x", inline: { serviceAccountName: "admin", container: { image: "a" } } }]],
        },
        {
          name: "d",
          dag: { tasks: [{ name: "y", inline: { serviceAccountName: "admin", script: { image: "a" } } }] },
        },
      ],
    });
    expect(paths(spec).sort()).toEqual(
      [
        "spec.serviceAccountName",
        "spec.executor.serviceAccountName",
        "spec.artifactGC.serviceAccountName",
        "spec.templateDefaults.serviceAccountName",
        "spec.templates[0].serviceAccountName",
        "spec.templates[0].executor.serviceAccountName",
        "spec.templates[0].outputs.artifacts[0].artifactGC.serviceAccountName",
        "spec.templates[1].steps[0][0].inline.serviceAccountName",
        "spec.templates[2].dag.tasks[0].inline.serviceAccountName",
      ]
        .map((path) => [path, "service-account.not-allowed"])
        .sort(),
    );
    const [first] = serviceAccountViolations(spec, defaultPolicy);
    expect(first.message).toBe(
      'service account "admin" is not allowed: this deployment allows default (SKIFF_SERVICE_ACCOUNTS)',
    );
  });

  it("reads pod spec patches (JSON or YAML, serviceAccountName or the deprecated serviceAccount)", () => {
    const spec = workflow({
      podSpecPatch: '{"serviceAccountName": "admin"}',
      artifactGC: { podSpecPatch: "serviceAccount: admin\n" },
      ...main({ podSpecPatch: '{"containers":[{"name":"main","resources":{"limits":{"cpu":"1"}}}]}' }),
    });
    expect(paths(spec)).toEqual([
      ["spec.podSpecPatch.serviceAccountName", "service-account.not-allowed"],
      ["spec.artifactGC.podSpecPatch.serviceAccount", "service-account.not-allowed"],
    ]);
  });

  it("reads names however they are spelled: escapes, any case (Go's JSON matches fields without case)", () => {
    const spec = workflow({
      podSpecPatch: '{"service\\u0041ccountName": "admin"}',
      ...main({ podSpecPatch: "ServiceAccountName: admin\n" }),
      templateDefaults: { podSpecPatch: '{"SERVICEACCOUNT": "admin"}' },
    });
    expect(paths(spec).sort()).toEqual([
      ["spec.podSpecPatch.serviceAccountName", "service-account.not-allowed"],
      ["spec.templateDefaults.podSpecPatch.SERVICEACCOUNT", "service-account.not-allowed"],
      ["spec.templates[0].podSpecPatch.ServiceAccountName", "service-account.not-allowed"],
    ]);
    // A patch that cannot be read before substitution but names no account is Argo's to apply.
    const cpu = workflow(
      main({ podSpecPatch: '{"containers":[{"name":"main","resources":{"limits":{"cpu": {{x}} }}}]}' }),
    );
    expect(paths(cpu)).toEqual([]);
  });

  it("refuses a patch naming an account it cannot read, and an account from an expression", () => {
    const spec = workflow({
      ...main({ podSpecPatch: '{"serviceAccountName": {{inputs.parameters.sa}}}' }),
      serviceAccountName: "{{workflow.parameters.sa}}",
    });
    const found = serviceAccountViolations(spec, defaultPolicy);
    expect(found.map((v) => [v.path, v.message])).toEqual([
      [
        "spec.serviceAccountName",
        'a service account cannot come from an expression ("{{workflow.parameters.sa}}"): name one this deployment allows (default)',
      ],
      ["spec.templates[0].podSpecPatch.serviceAccountName", "is not a service account name"],
    ]);
    const unreadable = workflow(main({ podSpecPatch: "serviceAccountName: [unclosed" }));
    expect(serviceAccountViolations(unreadable, defaultPolicy)).toEqual([
      {
        path: "spec.templates[0].podSpecPatch",
        code: "service-account.not-allowed",
        message:
          "names a service account in text that is not valid YAML/JSON (an expression?), so it cannot be checked",
      },
    ]);
  });

  it("reads the manifests of resource templates", () => {
    const manifest =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  serviceAccountName: skiff-notifier\n";
    const wf = workflow({
      templates: [{ name: "main", resource: { action: "create", manifest } }],
    });
    expect(paths(wf)).toEqual([
      ["spec.templates[0].resource.manifest.spec.serviceAccountName", "service-account.notifier"],
    ]);
  });

  it("checks WorkflowTemplates and CronWorkflows too, and ignores labels and annotations", () => {
    const template = workflow({ serviceAccountName: "admin" }, "WorkflowTemplate");
    expect(paths(template)).toEqual([["spec.serviceAccountName", "service-account.not-allowed"]]);
    const cron = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "CronWorkflow",
      metadata: { name: "c" },
      spec: {
        schedules: ["* * * * *"],
        workflowSpec: { entrypoint: "main", ...main({ serviceAccountName: "admin" }) },
      },
    };
    expect(paths(cron as unknown as Workflow)).toEqual([
      ["spec.workflowSpec.templates[0].serviceAccountName", "service-account.not-allowed"],
    ]);
    const labelled = workflow({
      ...main({
        metadata: { labels: { serviceAccountName: "x" }, annotations: { serviceAccountName: "y" } },
      }),
    });
    expect(paths(labelled)).toEqual([]);
  });

  it("allows what the deployment allows, and never the notifier's account", () => {
    const spec = workflow({
      serviceAccountName: "trainer",
      ...main({ serviceAccountName: "skiff-notifier" }),
    });
    const found = serviceAccountViolations(spec, argoPolicy);
    expect(found).toEqual([
      {
        path: "spec.templates[0].serviceAccountName",
        code: "service-account.notifier",
        message:
          '"skiff-notifier" is the exit notifier\'s service account (it may put events on the Skiff bus); pipelines cannot run as it',
      },
    ]);
  });
});

describe("the exit notifier the build injects", () => {
  it("is the one allowed user of the notifier's account", () => {
    const built = injectExitNotifier(workflow({}), notifierOptions);
    expect(built.spec.templates?.find((t) => t.name === NOTIFIER_TEMPLATE)?.serviceAccountName).toBe(
      "skiff-notifier",
    );
    expect(paths(built, argoPolicy)).toEqual([]);
    // Without the notifier's template in the policy (the local engine injects none), the account is refused.
    expect(paths(built)).toEqual([[`spec.templates[1].serviceAccountName`, "service-account.notifier"]]);
  });

  it("refuses a look-alike: a template of the notifier's name with the account and a container of its own", () => {
    const built = injectExitNotifier(workflow({}), notifierOptions);
    const notifier = built.spec.templates?.find((t) => t.name === NOTIFIER_TEMPLATE);
    if (!notifier?.container) throw new Error("no notifier");
    notifier.container.image = "attacker/aws-cli";
    expect(serviceAccountViolations(built, argoPolicy)).toEqual([
      {
        path: "spec.templates[1].serviceAccountName",
        code: "service-account.notifier",
        message:
          "this exit notifier template is not the one this deployment's build injects (a spec built before the notifier changed, or a forgery): push the pipeline again to rebuild it",
      },
    ]);
  });

  it("refuses workflow-wide pod settings that would reach the notifier's pod", () => {
    const spec = workflow({
      podSpecPatch: '{"initContainers":[{"name":"x","image":"attacker/x"}]}',
      podMetadata: { annotations: { "vault.hashicorp.com/agent-inject": "true" } },
      templateDefaults: { timeout: "1h", sidecars: [{ name: "x", image: "attacker/x" }] },
    });
    const built = injectExitNotifier(spec, notifierOptions);
    expect(paths(built, argoPolicy)).toEqual([
      ["spec.podSpecPatch", "service-account.notifier-pod"],
      ["spec.podMetadata", "service-account.notifier-pod"],
      ["spec.templateDefaults.sidecars", "service-account.notifier-pod"],
    ]);
    // Without a notifier (the local engine) they reach nobody's credentials.
    expect(paths(spec)).toEqual([]);
  });
});

describe("lintSpec with a service account policy", () => {
  it("reports each refused account as an error at its spec path, and checks nothing without a policy", () => {
    const spec = workflow({ serviceAccountName: "admin" });
    expect(lintSpec(spec).filter((d) => d.code.startsWith("service-account"))).toEqual([]);
    expect(lintSpec(spec, undefined, { serviceAccounts: defaultPolicy })).toEqual([
      {
        severity: "error",
        code: "service-account.not-allowed",
        message:
          'service account "admin" is not allowed: this deployment allows default (SKIFF_SERVICE_ACCOUNTS)',
        path: "spec.serviceAccountName",
      },
    ]);
  });
});
