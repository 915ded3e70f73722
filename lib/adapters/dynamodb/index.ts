// The DynamoDB adapters of the PipelineStore, RunStore and CompletionOutbox ports, and the table they share.
export { DynamoCompletionOutbox } from "./completion-outbox";
export { ensureTable } from "./ensure-table";
export { DynamoPipelineStore } from "./pipeline-store";
export { DynamoRunStore, type DynamoRunStoreOptions } from "./run-store";
export { DynamoScheduleStore } from "./schedule-store";
export type { DynamoTableOptions } from "./table";
export { createTableInput, INDEX, tableProperties } from "./table-definition";
