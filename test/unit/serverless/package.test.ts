// `osls package` offline (no AWS credentials, no network, telemetry off) and the CloudFormation it generates,
// packaged as `osls deploy` with no flag would deploy it: without --stage.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRoutes } from "../../../lib/api/routes";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../..", import.meta.url));
const osls = join(root, "node_modules/osls/bin/serverless.js");
const scratch = mkdtempSync(join(tmpdir(), "skiff-sls-"));
// osls's own temp dir, to see what packaging leaves there.
const packagingTmp = join(scratch, "tmp");
mkdirSync(packagingTmp);

// No AWS_* variables at all: packaging must not need credentials.
const offlineEnv = {
  PATH: process.env.PATH ?? "",
  HOME: scratch,
  TMPDIR: packagingTmp,
  SLS_TELEMETRY_DISABLED: "1",
  SLS_NOTIFICATIONS_MODE: "off",
  SLS_DEPRECATION_DISABLE: "*",
};

// biome-ignore lint/suspicious/noExplicitAny: generated CloudFormation, read loosely and asserted by value
type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: unknown };
let resources: Record<string, Resource>;
/** The build function's zip: each entry's path and Unix mode. */
let buildZip: Map<string, number>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

beforeAll(async () => {
  const out = join(scratch, "package");
  await run(process.execPath, [osls, "package", "--package", out], {
    cwd: root,
    env: offlineEnv,
    timeout: 170_000,
  });
  resources = JSON.parse(
    readFileSync(join(out, "cloudformation-template-update-stack.json"), "utf8"),
  ).Resources;
  buildZip = zipEntries(readFileSync(join(out, "build.zip")));
}, 180_000);

/** A zip's entries from its central directory (names and the Unix modes in their external attributes). */
function zipEntries(zip: Buffer): Map<string, number> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  const entries = new Map<string, number>();
  for (let at = zip.readUInt32LE(end + 16), i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    entries.set(name, zip.readUInt32LE(at + 38) >>> 16);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("serverless.yml → CloudFormation (no --stage: stage dev)", () => {
  it("leaves no zip staging directory in the temp dir (scripts/serverless-esbuild-tmp.cjs)", () => {
    // serverless-esbuild stages each zip in <tmpdir>/<function>-<pid>-<ms>-<hex>/ and never removes it.
    const staging = /^(build|pipeline|watcher|skiff)-\d+-\d+-[0-9a-f]{8}$/;
    expect(readdirSync(packagingTmp).filter((name) => staging.test(name))).toEqual([]);
  });

  it("deploys four nodejs22.x arm64 functions; the schedule tick has the API's role, the others their own", () => {
    const functions = ofType("AWS::Lambda::Function");
    expect(functions.map(([id]) => id).sort()).toEqual([
      "ApiLambdaFunction",
      "BuildLambdaFunction",
      "SchedulesLambdaFunction",
      "WatcherLambdaFunction",
    ]);
    expect(resources.SchedulesLambdaFunction.Properties.Role).toEqual(
      resources.ApiLambdaFunction.Properties.Role,
    );
    const roles = new Set<string>();
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe("nodejs22.x");
      expect(fn.Properties.Architectures).toEqual(["arm64"]);
      roles.add(JSON.stringify(fn.Properties.Role));
      expect(fn.Properties.Environment.Variables).toMatchObject({
        SKIFF_STAGE: "dev",
        SKIFF_BUCKET: "skiff-dev-pipelines",
        SKIFF_TABLE: { Ref: "RunsTable" },
        SKIFF_EVENT_BUS: "skiff-dev",
        SKIFF_NOTIFIER_SERVICE_ACCOUNT: "skiff-notifier",
        SKIFF_SERVICE_ACCOUNTS: "default",
      });
    }
    expect(roles.size).toBe(3);
  });

  it("creates the pipelines bucket versioned, encrypted, not public, notifying build on pipelines/*.ts", () => {
    const bucket = resources.S3BucketPipelines;
    expect(bucket.Type).toBe("AWS::S3::Bucket");
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: "Enabled" });
    // Run artifacts and archived step logs expire (README, "Logs that outlive the cluster"); sources and specs stay.
    expect(
      bucket.Properties.LifecycleConfiguration.Rules.map(
        (r: { Prefix: string; ExpirationInDays: number }) => [r.Prefix, r.ExpirationInDays],
      ),
    ).toEqual([
      ["artifacts/", 30],
      ["logs/", 30],
    ]);
    expect(
      bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    ).toEqual({
      SSEAlgorithm: "AES256",
    });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.NotificationConfiguration.LambdaConfigurations).toEqual([
      {
        Event: "s3:ObjectCreated:*",
        Function: { "Fn::GetAtt": ["BuildLambdaFunction", "Arn"] },
        Filter: {
          S3Key: {
            Rules: [
              { Name: "prefix", Value: "pipelines/" },
              { Name: "suffix", Value: ".ts" },
            ],
          },
        },
      },
    ]);
  });

  it("routes every API route to the HTTP API function with IAM auth, though no stage was given", () => {
    const routes = ofType("AWS::ApiGatewayV2::Route").map(([, r]) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(
      apiRoutes.map((r) => `${r.method} ${r.path}`).sort(),
    );
    for (const route of routes) {
      expect(route.AuthorizationType).toBe("AWS_IAM");
      expect(JSON.stringify(route.Target)).toContain("HttpApiIntegrationApi");
    }
  });

  it("creates the Skiff bus, a rule sending engine status changes to the watcher, the sweep and the schedule tick", () => {
    expect(ofType("AWS::Events::EventBus").map(([, r]) => r.Properties.Name)).toEqual(["skiff-dev"]);
    const rules = ofType("AWS::Events::Rule").map(([, r]) => r.Properties);
    const onBus = rules.find((r) => r.EventBusName === "skiff-dev");
    expect(onBus?.EventPattern).toEqual({
      source: ["skiff.engine"],
      "detail-type": ["Workflow Status Change"],
    });
    expect(onBus?.Targets[0].Arn).toEqual({ "Fn::GetAtt": ["WatcherLambdaFunction", "Arn"] });
    expect(onBus?.Targets[0].DeadLetterConfig).toEqual({
      Arn: { "Fn::GetAtt": ["WatcherRedriveQueue", "Arn"] },
    });
    expect(onBus?.Targets[0].RetryPolicy).toEqual({
      MaximumRetryAttempts: 185,
      MaximumEventAgeInSeconds: 86400,
    });
    const schedules = rules.filter((r) => r.ScheduleExpression);
    expect(schedules.map((r) => r.ScheduleExpression)).toEqual(["rate(1 minute)", "rate(1 minute)"]);
    expect(schedules.map((r) => r.Targets[0].Arn["Fn::GetAtt"][0]).sort()).toEqual([
      "SchedulesLambdaFunction",
      "WatcherLambdaFunction",
    ]);
  });

  it("creates the table from lib/adapters/dynamodb/table.json with point-in-time recovery", () => {
    const table = resources.RunsTable;
    expect(table.Type).toBe("AWS::DynamoDB::Table");
    expect(table.Properties).toEqual(
      JSON.parse(readFileSync(join(root, "lib/adapters/dynamodb/table.json"), "utf8")),
    );
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it("sends failed async invocations of build and watcher to a dead-letter queue", () => {
    const configs = Object.fromEntries(
      ofType("AWS::Lambda::EventInvokeConfig").map(([id, r]) => [id, r.Properties]),
    );
    expect(configs.BuildLambdaEvConf.DestinationConfig.OnFailure.Destination).toEqual({
      "Fn::GetAtt": ["FailedInvocationsQueue", "Arn"],
    });
    expect(resources.FailedInvocationsQueue.Type).toBe("AWS::SQS::Queue");
  });

  it("parks the watcher's failed status events in its redrive queue, which feeds them back to it", () => {
    const configs = Object.fromEntries(
      ofType("AWS::Lambda::EventInvokeConfig").map(([id, r]) => [id, r.Properties]),
    );
    expect(configs.WatcherLambdaEvConf.DestinationConfig.OnFailure.Destination).toEqual({
      "Fn::GetAtt": ["WatcherRedriveQueue", "Arn"],
    });
    expect(configs.WatcherLambdaEvConf.MaximumEventAgeInSeconds).toBe(21600);
    expect(resources.WatcherRedriveQueue.Properties.MessageRetentionPeriod).toBe(1209600);
    const mappings = ofType("AWS::Lambda::EventSourceMapping").map(([, r]) => r.Properties);
    const redrive = mappings.find(
      (m) =>
        JSON.stringify(m.EventSourceArn) === JSON.stringify({ "Fn::GetAtt": ["WatcherRedriveQueue", "Arn"] }),
    );
    expect(redrive?.FunctionName).toEqual({ "Fn::GetAtt": ["WatcherLambdaFunction", "Arn"] });
    expect(redrive?.FunctionResponseTypes).toEqual(["ReportBatchItemFailures"]);
  });

  it("grants each function only what it uses (no wildcard actions or resources)", () => {
    const statements = (role: string) =>
      resources[role].Properties.Policies.flatMap(
        (p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement,
      ) as Array<{
        Action: string | string[];
        Resource: unknown;
      }>;
    const actions = (role: string) => statements(role).flatMap((s) => [s.Action].flat());
    for (const role of ["BuildRole", "ApiRole", "WatcherRole"]) {
      for (const statement of statements(role)) {
        expect([statement.Action].flat().some((a) => a.endsWith("*"))).toBe(false);
        expect(statement.Resource).not.toBe("*");
      }
    }
    expect(actions("BuildRole")).toEqual(
      expect.arrayContaining(["s3:GetObject", "s3:PutObject", "dynamodb:PutItem", "events:PutEvents"]),
    );
    const buildPut = statements("BuildRole").find((s) => s.Action === "s3:PutObject");
    expect(JSON.stringify(buildPut?.Resource)).toContain("/specs/*");
    expect(actions("ApiRole")).not.toContain("events:PutEvents");
    expect(actions("ApiRole")).not.toContain("s3:PutObject");
    expect(actions("WatcherRole")).toContain("events:PutEvents");
    // The watcher only reads Argo's archived logs (a failed step's stderr tail once its pod is gone).
    const watcherS3 = statements("WatcherRole").filter((s) =>
      [s.Action].flat().some((a) => a.startsWith("s3:")),
    );
    expect(watcherS3.map((s) => s.Action)).toEqual(["s3:GetObject"]);
    expect(JSON.stringify(watcherS3[0]?.Resource)).toContain("/artifacts/*");
  });

  it("lets each function put only its own events, and only on the Skiff bus", () => {
    const putEvents = (role: string) =>
      resources[role].Properties.Policies.flatMap(
        (p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement,
        // biome-ignore lint/suspicious/noExplicitAny: generated CloudFormation
      ).filter((s: any) => s.Action === "events:PutEvents");
    const bus = {
      "Fn::Sub": `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/skiff-dev`,
    };
    expect(putEvents("BuildRole")).toEqual([
      {
        Effect: "Allow",
        Action: "events:PutEvents",
        Resource: bus,
        Condition: {
          StringEquals: {
            "events:source": "skiff",
            "events:detail-type": ["Pipeline Build Succeeded", "Pipeline Build Failed"],
          },
        },
      },
    ]);
    expect(putEvents("WatcherRole")).toEqual([
      {
        Effect: "Allow",
        Action: "events:PutEvents",
        Resource: bus,
        Condition: {
          StringEquals: {
            "events:source": "skiff",
            "events:detail-type": ["Pipeline Run Status Change", "Pipeline Run Completed"],
          },
        },
      },
    ]);
    expect(putEvents("ApiRole")).toEqual([]);
  });

  it("lets EventBridge send to the watcher's redrive queue only for the watcher's rule, from this account", () => {
    const tlsOnly = (queue: string) => ({
      Sid: "TlsOnly",
      Effect: "Deny",
      Principal: "*",
      Action: "sqs:*",
      Resource: { "Fn::GetAtt": [queue, "Arn"] },
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    const policy = resources.WatcherRedriveQueuePolicy.Properties;
    expect(policy.Queues).toEqual([{ Ref: "WatcherRedriveQueue" }]);
    // The rule the watcher's bus events come through, whose dead-letter config names this queue.
    const [, rule] =
      ofType("AWS::Events::Rule").find(([, r]) => r.Properties.EventBusName === "skiff-dev") ?? [];
    expect(rule?.Properties.Targets[0].DeadLetterConfig.Arn).toEqual({
      "Fn::GetAtt": ["WatcherRedriveQueue", "Arn"],
    });
    const ruleArn = `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${rule?.Properties.EventBusName}/${rule?.Properties.Name}`;
    expect(policy.PolicyDocument.Statement).toEqual([
      {
        Sid: "WatcherRuleDeadLetters",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: { "Fn::GetAtt": ["WatcherRedriveQueue", "Arn"] },
        Condition: {
          ArnEquals: { "aws:SourceArn": { "Fn::Sub": ruleArn } },
          StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
        },
      },
      tlsOnly("WatcherRedriveQueue"),
    ]);
    // No rule sends to the failed-invocations queue (the build's role does): no service is let in at all.
    expect(resources.FailedInvocationsQueuePolicy.Properties.Queues).toEqual([
      { Ref: "FailedInvocationsQueue" },
    ]);
    expect(resources.FailedInvocationsQueuePolicy.Properties.PolicyDocument.Statement).toEqual([
      tlsOnly("FailedInvocationsQueue"),
    ]);
    // Lambda's permissions for EventBridge and S3 name their source too.
    for (const [, permission] of ofType("AWS::Lambda::Permission")) {
      expect(permission.Properties.SourceArn).toBeDefined();
    }
  });

  it("denies plain-HTTP access to the pipelines bucket", () => {
    const policy = resources.PipelinesBucketPolicy;
    expect(policy.Type).toBe("AWS::S3::BucketPolicy");
    expect(policy.Properties.Bucket).toEqual({ Ref: "S3BucketPipelines" });
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: "TlsOnly",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [
          { "Fn::Sub": `arn:\${AWS::Partition}:s3:::skiff-dev-pipelines` },
          { "Fn::Sub": `arn:\${AWS::Partition}:s3:::skiff-dev-pipelines/*` },
        ],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });
});

describe("the build function's package", () => {
  it("ships the type check's inputs: the DSL's declarations and TypeScript's arm64 compiler, not its JS", () => {
    expect(buildZip.has("dist/types/dsl/index.d.ts")).toBe(true);
    expect(buildZip.has("dist/types/argo/index.d.ts")).toBe(true);
    expect([...buildZip.keys()].filter((name) => name.startsWith("node_modules/typescript/"))).toEqual([]);
    // The binary is installed for deploying (`npm install --no-save --os=linux --cpu=arm64 …`, see
    // serverless.yml); where it is, it is packaged executable, with the es2023 lib and not the DOM's.
    const compiler = "node_modules/@typescript/typescript-linux-arm64/lib/";
    if (existsSync(join(root, compiler, "tsc"))) {
      expect((buildZip.get(`${compiler}tsc`) ?? 0) & 0o111).toBe(0o111);
      expect(buildZip.has(`${compiler}lib.es2023.d.ts`)).toBe(true);
      expect(buildZip.has(`${compiler}lib.dom.d.ts`)).toBe(false);
    }
  });
});

describe("serverless.yml (stage local)", () => {
  it("deploys even the local stage's routes with IAM auth: only the embedded stack serves them without", async () => {
    const { stdout } = await run(process.execPath, [osls, "print", "--stage", "local", "--format", "json"], {
      cwd: root,
      env: offlineEnv,
      timeout: 60_000,
    });
    const local = JSON.parse(stdout);
    const routes = Object.entries(local.resources.extensions).filter(([id]) => id.startsWith("HttpApiRoute"));
    expect(routes).toHaveLength(apiRoutes.length);
    for (const [, extension] of routes) {
      expect((extension as { Properties: unknown }).Properties).toEqual({ AuthorizationType: "AWS_IAM" });
    }
  }, 120_000);
});
