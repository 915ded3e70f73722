export type { ApiDeps } from "./deps";
export { ApiError, type ErrorBody, type ErrorDetail, toErrorBody } from "./errors";
export { type ApiRequest, type ApiResponse, fromApiGatewayEvent, json, toApiGatewayResult } from "./http";
export { type ApiRoute, apiRoutes } from "./routes";
