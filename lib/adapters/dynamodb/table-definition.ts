import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import table from "./table.json";

/**
 * The single DynamoDB table of Skiff. `table.json` holds its CloudFormation `Properties` (serverless.yml
 * includes it with `${file(./lib/adapters/dynamodb/table.json)}`); this module turns the same file into a CreateTable
 * request for DynamoDB Local, so that the deployed and the local table cannot drift apart.
 */
export const tableProperties = table;

export const INDEX = { pipelineRuns: "gsi1", status: "gsi2", search: "gsi3", allRuns: "gsi4" } as const;

/** A CreateTable request equivalent to the CloudFormation properties (minus PITR, SSE and TTL, which CreateTable does not take). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    KeySchema: table.KeySchema.map((k) => ({
      AttributeName: k.AttributeName,
      KeyType: k.KeyType as "HASH" | "RANGE",
    })),
    AttributeDefinitions: table.AttributeDefinitions.map((a) => ({
      AttributeName: a.AttributeName,
      AttributeType: a.AttributeType as "S",
    })),
    GlobalSecondaryIndexes: table.GlobalSecondaryIndexes.map((g) => ({
      IndexName: g.IndexName,
      KeySchema: g.KeySchema.map((k) => ({
        AttributeName: k.AttributeName,
        KeyType: k.KeyType as "HASH" | "RANGE",
      })),
      Projection: { ProjectionType: g.Projection.ProjectionType as "ALL" },
    })),
  };
}
