// The bad requests issue 13 found already answered correctly — sizes, types, enums, traversal in names and ids,
// guarded pod settings, idempotency abuse — kept as one table against DynamoDB Local, s3rver and the local
// engine: each is a 4xx naming the field, and none leaves a run or an engine workflow behind. And the BASH_ENV
// attack end to end: a bash step whose request sets BASH_ENV is refused, and no step ever runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Workflow } from "../../../lib/argo";
import { LABEL_RUN_ID } from "../../../lib/engine/labels";
import { keys } from "../../../lib/ports/spec-store";
import { applyToSpec } from "../../../lib/runs/overrides";
import { parseYaml } from "../../support/yaml";
import { type ApiStack, startApiStack } from "./harness";

let stack: ApiStack;
let runId: string;

const GREET = `import { container, param, workflow } from "skiff";
export default workflow({
  generateName: "greet-",
  arguments: { who: param(), mode: param({ default: "fast", enum: ["fast", "slow"] }) },
  entrypoint: container({ name: "main", image: "alpine:3.20", command: ["echo", "hello {{workflow.parameters.who}}"] }),
});
`;

beforeAll(async () => {
  stack = await startApiStack({
    profiles: { gpu: { nodeSelector: { gpu: "true" } } },
    overrides: { envAllow: ["*"], secrets: [] },
  });
  await stack.push("greet", GREET);
  const created = await stack.call("POST", "/pipelines/greet/runs", {
    body: { parameters: { who: "seed" } },
  });
  runId = created.body.runId;
  // Room for the size cases below; the 413 case sends more than this.
  stack.deps.config.limits.maxBodyBytes = 256 * 1024;
});
afterAll(async () => {
  await stack?.stop();
});

async function counts() {
  const runs = await stack.call("GET", "/runs?limit=100");
  return { runs: runs.body.items.length as number, workflows: (await stack.engine.list({})).items.length };
}

const RUNS = "/pipelines/greet/runs";
const ok = { who: "x" };
type Row = [
  string,
  { method?: string; path?: string; body?: unknown; headers?: Record<string, string> },
  number,
  string,
  RegExp?,
];

const guarded = (key: string, value: unknown): Row => [
  `a ${key} override`,
  { body: { parameters: ok, overrides: { [key]: value } } },
  400,
  "overrides",
  new RegExp(`Unrecognized key: "${key}"`),
];

const rows: Row[] = [
  // sizes
  [
    "a parameter value over 64 KiB",
    { body: { parameters: { who: "x".repeat(70_000) } } },
    400,
    "parameters.who",
  ],
  [
    "more than 100 parameters",
    { body: { parameters: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, "1"])) } },
    400,
    "parameters",
  ],
  ["a body over the limit", { body: { parameters: { who: "x".repeat(300_000) } } }, 413, ""],
  [
    "an Idempotency-Key of 129 characters",
    { body: { parameters: ok }, headers: { "idempotency-key": "k".repeat(129) } },
    400,
    "header.Idempotency-Key",
  ],
  ["a profile name of 64 characters", { body: { parameters: ok, profile: "p".repeat(64) } }, 400, "profile"],
  [
    "33 tolerations",
    { body: { parameters: ok, overrides: { tolerations: Array(33).fill({ operator: "Exists" }) } } },
    400,
    "overrides.tolerations",
  ],
  ["a page size over the maximum", { method: "GET", path: "/runs?limit=101" }, 400, "query.limit"],
  [
    "a cursor of 3000 characters",
    { method: "GET", path: `/runs?cursor=${"a".repeat(3000)}` },
    400,
    "query.cursor",
  ],
  // types
  ["parameters as a string", { body: { parameters: "who=x" } }, 400, "parameters"],
  ["an object parameter value", { body: { parameters: { who: { x: 1 } } } }, 400, "parameters.who"],
  ["a null parameter value", { body: { parameters: { who: null } } }, 400, "parameters.who"],
  ["a numeric version", { body: { parameters: ok, version: 1 } }, 400, "version"],
  ["a numeric profile", { body: { parameters: ok, profile: 7 } }, 400, "profile"],
  ["overrides as a string", { body: { parameters: ok, overrides: "privileged" } }, 400, "overrides"],
  [
    "tolerations as an object",
    { body: { parameters: ok, overrides: { tolerations: {} } } },
    400,
    "overrides.tolerations",
  ],
  [
    "an env value that is not a string",
    { body: { parameters: ok, overrides: { env: { A: { valueFrom: {} } } } } },
    400,
    "overrides.env.A",
  ],
  [
    "a quantity that is not one",
    { body: { parameters: ok, overrides: { resources: { limits: { cpu: "all" } } } } },
    400,
    "overrides.resources.limits.cpu",
  ],
  ["a body that is an array", { body: [] }, 400, ""],
  // enums
  [
    "a parameter outside its enum",
    { body: { parameters: { who: "x", mode: "medium" } } },
    400,
    "parameters.mode",
  ],
  ["an unknown run status filter", { method: "GET", path: "/runs?status=Done" }, 400, "query.status"],
  [
    "an unknown toleration effect",
    { body: { parameters: ok, overrides: { tolerations: [{ effect: "Sometimes" }] } } },
    400,
    "overrides.tolerations.0.effect",
  ],
  [
    "an unknown emptyDir medium",
    {
      body: {
        parameters: ok,
        overrides: { volumes: [{ name: "v", mountPath: "/v", emptyDir: { medium: "Disk" } }] },
      },
    },
    400,
    "overrides.volumes.0.emptyDir.medium",
  ],
  // traversal in names and ids
  [
    "a pipeline name with ../",
    { path: "/pipelines/..%2F..%2Fetc/runs", body: { parameters: ok } },
    400,
    "path.name",
  ],
  ["a run id with ../", { method: "GET", path: "/runs/..%2F..%2Fetc" }, 400, "path.runId"],
  ["a version with ../", { body: { parameters: ok, version: "../v1" } }, 400, "version"],
  [
    "a spec version with ../",
    { method: "GET", path: "/pipelines/greet/versions/..%2Fv1/spec" },
    400,
    "path.version",
  ],
  ["a profile with ../", { body: { parameters: ok, profile: "../gpu" } }, 400, "profile"],
  [
    "a mount path with ..",
    {
      body: {
        parameters: ok,
        overrides: { volumes: [{ name: "v", mountPath: "/data/../etc", emptyDir: {} }] },
      },
    },
    400,
    "overrides.volumes.0.mountPath",
  ],
  [
    "a relative mount path",
    { body: { parameters: ok, overrides: { volumes: [{ name: "v", mountPath: "etc", emptyDir: {} }] } } },
    400,
    "overrides.volumes.0.mountPath",
  ],
  [
    "a Secret name with ../",
    { body: { parameters: ok, overrides: { secrets: [{ env: "T", secretName: "../x", key: "k" }] } } },
    400,
    "overrides.secrets.0.secretName",
  ],
  ["a parameter name with ../", { body: { parameters: { "../who": "x" } } }, 400, "parameters.../who"],
  // guarded pod settings
  [
    "a privileged override",
    { body: { parameters: ok, overrides: { privileged: true } } },
    400,
    "overrides.privileged",
  ],
  [
    "a host network override",
    { body: { parameters: ok, overrides: { hostNetwork: true } } },
    400,
    "overrides.hostNetwork",
  ],
  [
    "a hostPath volume",
    {
      body: {
        parameters: ok,
        overrides: { volumes: [{ name: "h", mountPath: "/h", hostPath: { path: "/" } }] },
      },
    },
    400,
    "overrides.volumes.0.hostPath",
  ],
  guarded("hostPID", true),
  guarded("hostIPC", true),
  guarded("capabilities", { add: ["SYS_ADMIN"] }),
  guarded("securityContext", { runAsUser: 0 }),
  guarded("serviceAccountName", "skiff-notifier"),
  guarded("automountServiceAccountToken", true),
  guarded("image", "attacker/image"),
  guarded("command", ["sh", "-c", "id"]),
  guarded("podSpecPatch", '{"containers":[{"name":"main","securityContext":{"privileged":true}}]}'),
  guarded("initContainers", [{ name: "x", image: "alpine" }]),
  ["a profile the deployment does not have", { body: { parameters: ok, profile: "admin" } }, 400, "profile"],
  // idempotency abuse
  [
    "an Idempotency-Key with a space",
    { body: { parameters: ok }, headers: { "idempotency-key": "a b" } },
    400,
    "header.Idempotency-Key",
  ],
  [
    "an empty Idempotency-Key",
    { body: { parameters: ok }, headers: { "idempotency-key": "" } },
    400,
    "header.Idempotency-Key",
  ],
];

describe("bad requests answered with a 4xx naming the field, leaving nothing behind", () => {
  it.each(rows)(
    "%s",
    async (_case, { method = "POST", path = RUNS, body, headers }, status, field, message) => {
      const before = await counts();
      const res = await stack.call(method, path, { body: body as object | undefined, headers });
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
      if (status === 400) {
        const detail = res.body.details.find((d: { field: string }) => d.field === field);
        expect(detail, JSON.stringify(res.body.details)).toBeDefined();
        if (message) expect(detail.message).toMatch(message);
      }
      expect(await counts()).toEqual(before);
    },
  );

  it("answers a step id with ../ with 400 naming it", async () => {
    const res = await stack.call("GET", `/runs/${runId}/steps/..%2F..%2Fetc/logs`);
    expect(res.status).toBe(400);
    expect(res.body.details[0].field).toBe("path.stepId");
  });

  it("reuses nothing across keys: a key reused with other parameters is a 409 and creates nothing", async () => {
    const headers = { "idempotency-key": "abuse-1" };
    expect((await stack.call("POST", RUNS, { body: { parameters: { who: "a" } }, headers })).status).toBe(
      201,
    );
    const before = await counts();
    const again = await stack.call("POST", RUNS, { body: { parameters: { who: "b" } }, headers });
    expect(again.status).toBe(409);
    expect(again.body.details[0].field).toBe("header.Idempotency-Key");
    const otherPipeline = await stack.call("POST", "/pipelines/nope/runs", {
      body: { parameters: ok },
      headers,
    });
    expect(otherPipeline.status).toBe(404);
    expect(await counts()).toEqual(before);
  });
});

describe("the BASH_ENV attack, end to end", () => {
  const PAYLOAD = "$(echo pwned-by-bash-env >&2)";
  const done = (phase: string | undefined) => ["Succeeded", "Failed", "Error"].includes(phase ?? "");

  /** Waits for the workflow to finish and returns every line its steps wrote. */
  async function finishedLogs(ref: { namespace: string; name: string }) {
    for (let i = 0; i < 400 && !done((await stack.engine.get(ref))?.status?.phase); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const lines: string[] = [];
    for await (const line of stack.engine.logs(ref, {})) lines.push(line.text);
    return { phase: (await stack.engine.get(ref))?.status?.phase, lines };
  }

  it("refuses a request that sets BASH_ENV for a bash step with 400, and no step ever runs", async () => {
    await stack.push(
      "shell",
      `import { bash, workflow } from "skiff";
export default workflow({ generateName: "shell-", entrypoint: bash({ name: "main", source: "echo hello" }) });
`,
    );
    const before = await counts();
    // Even with every name allowed by the deployment (envAllow: *), the deny-list wins.
    const res = await stack.call("POST", "/pipelines/shell/runs", {
      body: { overrides: { env: { BASH_ENV: PAYLOAD, ENV: PAYLOAD } } },
    });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      "overrides.env.BASH_ENV",
      "overrides.env.ENV",
    ]);
    // No run, and no workflow: nothing was submitted, so no step ran.
    expect(await counts()).toEqual(before);
    expect((await stack.call("GET", "/runs?pipeline=shell")).body.items).toEqual([]);

    // Without the override the pipeline runs its bash step as usual.
    const fine = await stack.call("POST", "/pipelines/shell/runs", { body: {} });
    expect(fine.status).toBe(201);
    const clean = await finishedLogs(await workflowOf(fine.body.runId));
    expect(clean).toEqual({ phase: "Succeeded", lines: ["hello"] });

    // The payload is live: put into the spec directly (what the endpoint did before), bash runs it.
    const stored = await stack.specs.get(keys.spec("shell", "v1"));
    const attacked = applyToSpec(parseYaml(stored?.body ?? "") as Workflow, { env: { BASH_ENV: PAYLOAD } });
    const submitted = await stack.engine.submit(attacked, { runId: "bash-env-control" });
    const control = await finishedLogs({
      namespace: submitted.metadata?.namespace ?? "skiff",
      name: submitted.metadata?.name ?? "",
    });
    expect(control.lines).toContain("pwned-by-bash-env");
  });
});

async function workflowOf(id: string) {
  const [workflow] = (await stack.engine.list({ labelSelector: `${LABEL_RUN_ID}=${id}` })).items;
  return { namespace: workflow.metadata.namespace ?? "skiff", name: workflow.metadata.name ?? "" };
}
