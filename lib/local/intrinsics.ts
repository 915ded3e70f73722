import { LOCAL_ACCOUNT_ID } from "./credentials";
import type { ServiceDefinition } from "./serverless/functions";

/** The local name of a CloudFormation resource: its explicit name property, else `<service>-<stage>-<LogicalId>`. */
export function localResourceName(service: ServiceDefinition, logicalId: string): string {
  const resource = service.resources[logicalId];
  const properties = resource?.Properties ?? {};
  for (const key of ["TableName", "BucketName", "QueueName", "Name"]) {
    if (typeof properties[key] === "string") return properties[key] as string;
  }
  return `${service.service}-${service.stage}-${logicalId}`;
}

const isDict = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Evaluates the few intrinsics that appear in function environments (`Ref`, `Fn::GetAtt …Arn`, `Fn::Sub`)
 * against the local stack, so that e.g. `SKIFF_TABLE: !Ref RunsTable` names the local table.
 */
export function evaluateIntrinsic(value: unknown, service: ServiceDefinition): string {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return String(value);
  if (!isDict(value)) return JSON.stringify(value);
  const pseudo: Record<string, string> = {
    "AWS::Region": service.region,
    "AWS::AccountId": LOCAL_ACCOUNT_ID,
    "AWS::Partition": "aws",
    "AWS::StackName": `${service.service}-${service.stage}`,
    "AWS::URLSuffix": "amazonaws.com",
  };
  if (typeof value.Ref === "string") return pseudo[value.Ref] ?? localResourceName(service, value.Ref);
  const getAtt = value["Fn::GetAtt"];
  if (Array.isArray(getAtt) && typeof getAtt[0] === "string") {
    const name = localResourceName(service, getAtt[0]);
    const type = service.resources[getAtt[0]]?.Type ?? "";
    const kind = type.split("::")[1]?.toLowerCase() ?? "resource";
    return `arn:aws:${kind}:${service.region}:${LOCAL_ACCOUNT_ID}:${name}`;
  }
  const sub = value["Fn::Sub"];
  if (typeof sub === "string") {
    return sub.replace(/\$\{([^}]+)\}/g, (match, name: string) => {
      if (pseudo[name]) return pseudo[name];
      const [id] = name.split(".");
      return service.resources[id] ? localResourceName(service, id) : match;
    });
  }
  return JSON.stringify(value);
}
