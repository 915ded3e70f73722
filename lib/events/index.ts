// Event contracts (zod), their TS types, builders and the EventBridge publisher.

export { EventBridgeBus, type EventBridgeBusOptions, PublishError } from "../adapters/eventbridge/event-bus";
export * from "./contracts";
export { eventJsonSchemas, schemaFileText } from "./json-schema";
export {
  buildFailedEvent,
  buildSucceededEvent,
  runCompletedDetail,
  runCompletedEvent,
  runStatusChangeEvent,
} from "./run-events";
