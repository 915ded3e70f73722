import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from "@aws-sdk/client-dynamodb";
import { LocalStackError } from "./errors";
import { delay } from "./net";

type Properties = Record<string, unknown>;

/** CloudFormation's `AWS::DynamoDB::Table` properties → CreateTable input (the names mostly coincide). */
export function createTableInput(tableName: string, properties: Properties): CreateTableCommandInput {
  const input: Record<string, unknown> = { TableName: tableName };
  for (const key of [
    "KeySchema",
    "AttributeDefinitions",
    "BillingMode",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "ProvisionedThroughput",
    "TableClass",
  ]) {
    if (properties[key] !== undefined) input[key] = properties[key];
  }
  const stream = properties.StreamSpecification as { StreamViewType?: string } | undefined;
  if (stream?.StreamViewType)
    input.StreamSpecification = { StreamEnabled: true, StreamViewType: stream.StreamViewType };
  return input as unknown as CreateTableCommandInput;
}

/** Creates the table unless it exists (state kept from a previous start), then waits until it is ACTIVE. */
export async function ensureTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  try {
    await client.send(new CreateTableCommand(input));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) {
      throw new LocalStackError(`creating DynamoDB table ${input.TableName} failed`, { cause: error });
    }
  }
  for (let i = 0; i < 300; i++) {
    const table = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    if (table.Table?.TableStatus === "ACTIVE") return;
    await delay(100);
  }
  throw new LocalStackError(`DynamoDB table ${input.TableName} did not become ACTIVE`);
}
