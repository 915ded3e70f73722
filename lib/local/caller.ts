// The embedded stack's stand-in for API Gateway's IAM authorizer. Its routes take no credentials (the stack
// serves 127.0.0.1 only, to the one user of the machine), so every request is that user's: `local`, in the
// place where API Gateway puts the authenticated principal, the same field the run records read in AWS.
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithIAMAuthorizer } from "aws-lambda";
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS } from "./credentials";

/** The caller every request to the embedded stack is recorded as. */
export const LOCAL_CALLER = "local";

/** `event` as authorized for the local caller. */
export function asLocalCaller(event: APIGatewayProxyEventV2): APIGatewayProxyEventV2WithIAMAuthorizer {
  return {
    ...event,
    requestContext: {
      ...event.requestContext,
      authorizer: {
        iam: {
          accessKey: LOCAL_CREDENTIALS.accessKeyId,
          accountId: LOCAL_ACCOUNT_ID,
          callerId: LOCAL_CALLER,
          cognitoIdentity: null,
          principalOrgId: "",
          userArn: LOCAL_CALLER,
          userId: LOCAL_CALLER,
        },
      },
    },
  };
}
