import { Logger } from "@aws-lambda-powertools/logger";
import middy from "@middy/core";
import httpRouterHandler from "@middy/http-router";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { ApiDeps } from "./deps";
import { ApiError, toErrorBody } from "./errors";
import { fromApiGatewayEvent, json, toApiGatewayResult } from "./http";
import { apiRoutes } from "./routes";

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

/**
 * The HTTP API function: middy routes each HTTP API request to its route in lib/api; every error becomes
 * `{error, message, details}` with its status (5xx details stay in the log, not the response).
 */
export function createApiHandler(
  deps: () => Promise<ApiDeps> | ApiDeps,
  logger = new Logger({ serviceName: "skiff-api" }),
) {
  const router = httpRouterHandler<Event, Result>({
    routes: apiRoutes.map((route) => ({
      method: route.method,
      path: route.path,
      handler: async (event: Event) => {
        const request = fromApiGatewayEvent(event);
        // Every deployed route is AWS_IAM (serverless.yml): a request without a principal means a route was
        // deployed without auth, and is refused rather than served anonymously.
        if (request.caller === undefined)
          throw new ApiError(401, "unauthenticated", "the request carries no IAM principal (SigV4-sign it)");
        return toApiGatewayResult(await route.handle(await deps(), request));
      },
    })),
    notFoundResponse: ({ method, path }) => {
      throw new ApiError(404, "not-found", `no route ${method} ${path}`);
    },
  });
  return middy<Event, Result>(router).use({
    onError: async (request) => {
      const { status, body } = toErrorBody(request.error);
      if (status >= 500) {
        logger.error("request failed", {
          route: request.event.routeKey,
          path: request.event.requestContext?.http?.path,
          error: describe(request.error),
        });
      }
      request.response = toApiGatewayResult(json(status, body));
    },
  });
}

function describe(error: unknown): unknown {
  if (error === undefined) return undefined;
  if (!(error instanceof Error)) return String(error);
  return { name: error.name, message: error.message, stack: error.stack, cause: describe(error.cause) };
}
