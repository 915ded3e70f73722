// The build function's service account rule (the deployment's allow-list, default only `default`), reported at
// file:line:col like every lint rule; and the exit notifier the build injects on the argo engine, the one
// allowed user of the notifier's account, passing the same rule the run endpoint applies at submit.
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler } from "../../../functions/build";
import { checkSpecServiceAccounts } from "../../../lib/api/submit-check";
import type { Workflow } from "../../../lib/argo";
import { NOTIFIER_TEMPLATE } from "../../../lib/compiler/exit-notifier";
import { serviceAccountPolicy } from "../../../lib/compiler/lint/service-accounts";
import { notifierSettings, resetConfig, serviceAccounts } from "../../../lib/config";
import { parseYaml } from "../../support/yaml";
import { BUCKET, type Stack, startStack } from "./harness";

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const lineOf = (source: string, text: string) => source.slice(0, source.indexOf(text)).split("\n").length;

async function build(name: string, source: string) {
  const { results } = await handler(await stack.upload(`pipelines/${name}.ts`, source));
  return results[0];
}

describe("the build's service account rule", () => {
  it("fails a build naming an account outside the allow-list, at the code that named it", async () => {
    const source = `import { container, workflow } from "skiff";
const main = container({
  name: "main",
  image: "alpine:3.20",
  serviceAccountName: "cluster-admin",
});
export default workflow({ generateName: "sa-", entrypoint: main });
`;
    const outcome = await build("admin", source);
    expect(outcome).toMatchObject({ kind: "built", version: { ok: false } });
    const version = await stack.pipelines.getVersion("admin", "v1");
    const found = version?.diagnostics.filter((d) => d.code.startsWith("service-account"));
    expect(found).toEqual([
      {
        severity: "error",
        code: "service-account.not-allowed",
        message:
          'service account "cluster-admin" is not allowed: this deployment allows default (SKIFF_SERVICE_ACCOUNTS)',
        path: "spec.templates[0].serviceAccountName",
        file: "admin.ts",
        line: lineOf(source, "container({"),
        column: expect.any(Number),
      },
    ]);
  });

  it("fails a build naming the notifier's account, at the workflow that named it", async () => {
    const source = `import { container, workflow } from "skiff";
const main = container({ name: "main", image: "alpine:3.20" });
export default workflow({
  generateName: "forge-",
  entrypoint: main,
  serviceAccountName: "skiff-notifier",
});
`;
    await build("forge", source);
    const version = await stack.pipelines.getVersion("forge", "v1");
    expect(version?.ok).toBe(false);
    expect(version?.diagnostics.filter((d) => d.code.startsWith("service-account"))).toEqual([
      expect.objectContaining({
        code: "service-account.notifier",
        path: "spec.serviceAccountName",
        file: "forge.ts",
        line: lineOf(source, "workflow({"),
      }),
    ]);
  });
});

describe("on the argo engine", () => {
  const saved = { ...process.env };
  beforeAll(() => {
    // The build function reads its configuration once: a new environment takes a configuration reset.
    Object.assign(process.env, { SKIFF_ENGINE: "argo", SKIFF_NOTIFIER_SERVICE_ACCOUNT: "skiff-notifier" });
    resetConfig();
  });
  afterAll(() => {
    for (const name of ["SKIFF_ENGINE", "SKIFF_NOTIFIER_SERVICE_ACCOUNT"]) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    resetConfig();
  });

  it("injects the notifier with its account, and the stored spec passes the submit check", async () => {
    const source = `import { container, workflow } from "skiff";
export default workflow({ generateName: "ok-", entrypoint: container({ name: "main", image: "alpine:3.20" }) });
`;
    expect(await build("notified", source)).toMatchObject({ kind: "built", version: { ok: true } });
    const object = await stack.s3Client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: "specs/notified/v1.yaml" }),
    );
    const spec = parseYaml((await object.Body?.transformToString()) ?? "") as Workflow;
    const notifier = spec.spec.templates?.find((t) => t.name === NOTIFIER_TEMPLATE);
    expect(notifier?.serviceAccountName).toBe("skiff-notifier");
    const policy = serviceAccountPolicy(serviceAccounts(process.env), notifierSettings());
    expect(() => checkSpecServiceAccounts(spec, policy)).not.toThrow();
    // The local engine injects no notifier: there the account is refused wherever it appears.
    expect(() => checkSpecServiceAccounts(spec)).toThrow("does not allow");
  });

  it("fails a build whose workflow-wide pod settings would reach the notifier's pod", async () => {
    const source = `import { container, workflow } from "skiff";
export default workflow({
  generateName: "reach-",
  entrypoint: container({ name: "main", image: "alpine:3.20" }),
  templateDefaults: { sidecars: [{ name: "listen", image: "attacker/tap" }] },
});
`;
    await build("reach", source);
    const version = await stack.pipelines.getVersion("reach", "v1");
    expect(version?.ok).toBe(false);
    expect(version?.diagnostics.filter((d) => d.code.startsWith("service-account"))).toEqual([
      expect.objectContaining({
        code: "service-account.notifier-pod",
        path: "spec.templateDefaults.sidecars",
        file: "reach.ts",
        line: lineOf(source, "workflow({"),
      }),
    ]);
  });
});
