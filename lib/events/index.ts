// Event contracts (zod), their TS types, builders and the EventBridge publisher.
export * from "./contracts";
export { EventBridgeBus, type EventBridgeBusOptions, PublishError } from "./eventbridge-bus";
export { eventJsonSchemas, schemaFileText } from "./json-schema";
export {
  buildFailedEvent,
  buildSucceededEvent,
  runCompletedDetail,
  runCompletedEvent,
  runStatusChangeEvent,
} from "./run-events";
