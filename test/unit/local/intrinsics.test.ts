import { describe, expect, it } from "vitest";
import { createTableInput } from "../../../lib/local/dynamodb-tables";
import { evaluateIntrinsic, localResourceName } from "../../../lib/local/intrinsics";
import type { ServiceDefinition } from "../../../lib/local/serverless/functions";

const service: ServiceDefinition = {
  service: "skiff",
  stage: "local",
  region: "eu-west-1",
  functions: [],
  resources: {
    RunsTable: { Type: "AWS::DynamoDB::Table", Properties: { BillingMode: "PAY_PER_REQUEST" } },
    Named: { Type: "AWS::SQS::Queue", Properties: { QueueName: "my-queue" } },
  },
};

describe("CloudFormation intrinsics in a local environment", () => {
  it("names resources as CloudFormation would, or by their explicit name", () => {
    expect(localResourceName(service, "RunsTable")).toBe("skiff-local-RunsTable");
    expect(localResourceName(service, "Named")).toBe("my-queue");
  });

  it("evaluates Ref, GetAtt and Sub", () => {
    expect(evaluateIntrinsic({ Ref: "RunsTable" }, service)).toBe("skiff-local-RunsTable");
    expect(evaluateIntrinsic({ Ref: "AWS::Region" }, service)).toBe("eu-west-1");
    expect(evaluateIntrinsic({ "Fn::GetAtt": ["Named", "Arn"] }, service)).toBe(
      "arn:aws:sqs:eu-west-1:000000000000:my-queue",
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string
    expect(evaluateIntrinsic({ "Fn::Sub": "arn:${AWS::Partition}:dynamodb:::${RunsTable}" }, service)).toBe(
      "arn:aws:dynamodb:::skiff-local-RunsTable",
    );
    expect(evaluateIntrinsic("plain", service)).toBe("plain");
    expect(evaluateIntrinsic(42, service)).toBe("42");
  });
});

describe("createTableInput", () => {
  it("keeps CreateTable's properties and converts the stream specification", () => {
    const input = createTableInput("t", {
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      StreamSpecification: { StreamViewType: "NEW_IMAGE" },
    });
    expect(input).toEqual({
      TableName: "t",
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
    });
  });
});
