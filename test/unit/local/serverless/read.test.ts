import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { readService } from "../../../../lib/local/serverless/functions";
import { loadServerlessYaml, ServerlessConfigError } from "../../../../lib/local/serverless/variables";

const dir = mkdtempSync(join(tmpdir(), "skiff-sls-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Fixtures are copied next to each other so that relative `file(...)` paths resolve. */
function copyFixture(name: string): string {
  const file = join(dir, name);
  copyFileSync(fileURLToPath(new URL(`fixtures/${name}`, import.meta.url)), file);
  return file;
}

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe("serverless.yml variables", () => {
  it("resolves self, sls, opt, env and file, with fallbacks and nesting", () => {
    copyFixture("table.json");
    copyFixture("extra.yml");
    const file = copyFixture("demo.serverless.yml");
    const config = loadServerlessYaml({ file, env: { COUNT: "7" } }) as Record<
      string,
      Record<string, unknown>
    >;
    expect(config.custom).toMatchObject({
      bucket: "demo-local-bucket",
      auth: "NONE",
      authProd: "AWS_IAM",
      count: "7",
      fromFile: "from-yaml",
      region: "eu-west-1",
    });
    expect(config.provider.environment).toEqual({
      TABLE: { Ref: "RunsTable" },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, left for CloudFormation
      ARN: { "Fn::Sub": "arn:${AWS::Partition}:s3:::demo-local-bucket" },
    });
    expect(config.resources).toEqual({
      Resources: {
        RunsTable: { Type: "AWS::DynamoDB::Table", Properties: { BillingMode: "PAY_PER_REQUEST" } },
      },
    });
    const staged = loadServerlessYaml({ file, stage: "prod", env: { BUCKET_NAME: "mine" } }) as Record<
      string,
      Record<string, unknown>
    >;
    expect(staged.custom).toMatchObject({ bucket: "mine", auth: "AWS_IAM", count: 3 });
  });

  it("names a variable it cannot resolve", () => {
    const file = copyFixture("unresolvable.yml");
    expect(() => loadServerlessYaml({ file, env: {} })).toThrow(ServerlessConfigError);
    expect(() => loadServerlessYaml({ file, env: {} })).toThrow(/\$\{env:SURELY_NOT_SET_ANYWHERE\}/);
  });

  it("refuses variable sources it cannot resolve locally instead of passing them through", () => {
    const file = copyFixture("unsupported-source.yml");
    expect(() => loadServerlessYaml({ file })).toThrow(/"ssm" variable source is not supported locally/);
  });

  it("reports YAML syntax errors with file:line:col", () => {
    const file = write("broken.yml", "service: x\nfunctions:\n  a: [\n");
    expect(() => loadServerlessYaml({ file })).toThrow(/broken\.yml:\d+:\d+/);
  });
});

describe("the project's serverless.yml", () => {
  const file = fileURLToPath(new URL("../../../../serverless.yml", import.meta.url));
  const service = readService(loadServerlessYaml({ file, stage: "local", env: {} }), file);
  const fn = (name: string) => service.functions.find((f) => f.name === name);

  it("wires the build function to pipelines/*.ts uploads", () => {
    expect(fn("build")?.triggers).toEqual([
      {
        kind: "s3",
        bucket: "skiff-local-pipelines",
        event: "s3:ObjectCreated:*",
        prefix: "pipelines/",
        suffix: ".ts",
      },
    ]);
  });

  it("wires the watcher to engine status changes and a schedule", () => {
    const triggers = fn("watcher")?.triggers ?? [];
    expect(triggers).toContainEqual(
      expect.objectContaining({
        kind: "eventBridge",
        eventBus: "skiff-local",
        pattern: { source: ["skiff.engine"], "detail-type": ["Workflow Status Change"] },
      }),
    );
    expect(triggers).toContainEqual(
      expect.objectContaining({ kind: "schedule", expression: "rate(1 minute)" }),
    );
  });

  it("routes the HTTP API to the HTTP API function", () => {
    const routes = (fn("api")?.triggers ?? []).map((t) =>
      t.kind === "httpApi" ? `${t.method} ${t.path}` : "",
    );
    expect(routes).toContain("POST /pipelines/{name}/runs");
    expect(routes).toContain("GET /runs/{runId}");
  });

  it("keeps the environment, intrinsics included", () => {
    expect(fn("build")?.environment).toMatchObject({
      SKIFF_STAGE: "local",
      SKIFF_BUCKET: "skiff-local-pipelines",
      SKIFF_EVENT_BUS: "skiff-local",
      SKIFF_TABLE: { Ref: "RunsTable" },
    });
    expect(service.resources.RunsTable?.Type).toBe("AWS::DynamoDB::Table");
  });

  it("has no stage without IAM auth: the default stage is dev, and local's routes are AWS_IAM too", () => {
    for (const stage of [undefined, "local"]) {
      const config = loadServerlessYaml({ file, stage, env: {} }) as {
        provider: { stage: string };
        resources: { extensions: Record<string, { Properties: { AuthorizationType: string } }> };
      };
      if (stage === undefined) expect(config.provider.stage).toBe("dev");
      const routes = Object.entries(config.resources.extensions).filter(([id]) =>
        id.startsWith("HttpApiRoute"),
      );
      expect(routes.length).toBeGreaterThan(0);
      for (const [, route] of routes) expect(route.Properties.AuthorizationType).toBe("AWS_IAM");
    }
  });

  it("limits the watcher's redrive queue to the watcher's rule in this account", () => {
    const policy = service.resources.WatcherRedriveQueuePolicy?.Properties as {
      PolicyDocument: { Statement: Array<{ Effect: string; Principal: unknown; Condition?: unknown }> };
    };
    const allow = policy.PolicyDocument.Statement.filter((s) => s.Effect === "Allow");
    expect(allow).toHaveLength(1);
    expect(allow[0].Condition).toEqual({
      ArnEquals: {
        "aws:SourceArn": {
          "Fn::Sub": `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/skiff-local/skiff-local-watcher-rule-1`,
        },
      },
      StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
    });
  });
});
