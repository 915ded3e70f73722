import { describe, expect, it } from "vitest";
import type { Workflow } from "../../../../lib/argo";
import {
  COMPOSED_EXIT_TEMPLATE,
  injectExitNotifier,
  NOTIFIER_TEMPLATE,
} from "../../../../lib/compiler/exit-notifier";
import { notifierSettings } from "../../../../lib/config";
import { workflowValidator } from "../../../support/fake-k8s/schema";

const base = (): Workflow => ({
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Workflow",
  metadata: { generateName: "n-" },
  spec: {
    entrypoint: "main",
    templates: [
      { name: "main", container: { image: "alpine", command: ["true"] } },
      {
        name: "cleanup",
        inputs: { parameters: [{ name: "why" }] },
        container: { image: "alpine", command: ["true"] },
      },
    ],
  },
});
const options = { eventBusName: "skiff-dev", serviceAccountName: "skiff-notifier", region: "eu-west-1" };

describe("injectExitNotifier", () => {
  it("makes the notifier the exit handler when the spec has none, and the result is schema-valid", () => {
    const input = base();
    const out = injectExitNotifier(input, options);
    expect(input.spec.onExit).toBeUndefined(); // pure
    expect(out.spec.onExit).toBe(NOTIFIER_TEMPLATE);
    const notifier = out.spec.templates?.find((t) => t.name === NOTIFIER_TEMPLATE);
    expect(notifier?.serviceAccountName).toBe("skiff-notifier");
    expect(notifier?.retryStrategy?.limit).toBe(3);
    const env = Object.fromEntries((notifier?.container?.env ?? []).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      SKIFF_RUN_ID: "{{workflow.labels.skiff.dev/run-id}}",
      SKIFF_WORKFLOW_NAME: "{{workflow.name}}",
      SKIFF_WORKFLOW_UID: "{{workflow.uid}}",
      SKIFF_STATUS: "{{workflow.status}}",
      SKIFF_FAILURES: "{{workflow.failures}}",
      SKIFF_EVENT_BUS: "skiff-dev",
      SKIFF_EVENT_SOURCE: "skiff.engine",
      SKIFF_DETAIL_TYPE: "Workflow Status Change",
      AWS_REGION: "eu-west-1",
    });
    // Values reach the script only through the environment, never through its text.
    expect(notifier?.container?.args?.[0]).not.toContain("{{");
    const validate = workflowValidator();
    expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
  });

  it("composes with spec.onExit: the user's handler and then the notifier, both DAG targets, failFast off", () => {
    const input = base();
    input.spec.onExit = "cleanup";
    const out = injectExitNotifier(input, options);
    expect(out.spec.onExit).toBe(COMPOSED_EXIT_TEMPLATE);
    const composed = out.spec.templates?.find((t) => t.name === COMPOSED_EXIT_TEMPLATE);
    expect(composed?.dag).toEqual({
      failFast: false,
      target: "user-exit notify",
      tasks: [
        { name: "user-exit", template: "cleanup" },
        {
          name: "notify",
          template: NOTIFIER_TEMPLATE,
          depends: "user-exit.Succeeded || user-exit.Failed || user-exit.Errored",
        },
      ],
    });
    expect(workflowValidator()(out)).toBe(true);
  });

  it("composes with spec.hooks.exit, carrying its arguments, and keeps other hooks", () => {
    const input = base();
    input.spec.hooks = {
      exit: {
        template: "cleanup",
        arguments: { parameters: [{ name: "why", value: "{{workflow.status}}" }] },
      },
      running: { template: "cleanup", expression: 'workflow.status == "Running"' },
    };
    const out = injectExitNotifier(input, options);
    expect(out.spec.hooks?.exit).toBeUndefined();
    expect(out.spec.hooks?.running?.template).toBe("cleanup");
    const tasks = out.spec.templates?.find((t) => t.name === COMPOSED_EXIT_TEMPLATE)?.dag?.tasks;
    expect(tasks?.[0]).toEqual({
      name: "user-exit",
      template: "cleanup",
      arguments: { parameters: [{ name: "why", value: "{{workflow.status}}" }] },
    });
    expect(workflowValidator()(out)).toBe(true);
  });

  it("reads its options from the environment only for the argo engine", () => {
    expect(notifierSettings({ SKIFF_ENGINE: "local", SKIFF_EVENT_BUS: "b" })).toBeUndefined();
    expect(
      notifierSettings({
        SKIFF_ENGINE: "argo",
        SKIFF_EVENT_BUS: "skiff-dev",
        SKIFF_NOTIFIER_SERVICE_ACCOUNT: "skiff-notifier",
        AWS_REGION: "eu-west-1",
      }),
    ).toEqual({
      eventBusName: "skiff-dev",
      region: "eu-west-1",
      image: undefined,
      serviceAccountName: "skiff-notifier",
    });
    const out = injectExitNotifier(base(), notifierSettings({ SKIFF_ENGINE: "argo", SKIFF_EVENT_BUS: "b" })!);
    const image = out.spec.templates?.find((t) => t.name === NOTIFIER_TEMPLATE)?.container?.image;
    expect(image).toMatch(/^public\.ecr\.aws\/aws-cli\/aws-cli:/);
  });

  it("is idempotent and refuses a missing bus name", () => {
    const once = injectExitNotifier(base(), options);
    expect(injectExitNotifier(once, options)).toEqual(once);
    expect(() => injectExitNotifier(base(), { eventBusName: "" })).toThrow(/eventBusName/);
  });
});
