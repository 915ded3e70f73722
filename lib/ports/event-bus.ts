/** The `EventBus` port: EventBridge PutEvents on the Skiff bus (or the embedded bus locally). */
export interface BusEvent {
  /** `skiff` for Skiff's own events. */
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  time?: Date;
  resources?: string[];
}

export interface EventBus {
  /** Publishes all events or throws; partial failures are retried inside, then raised. */
  publish(events: BusEvent[]): Promise<void>;
}
