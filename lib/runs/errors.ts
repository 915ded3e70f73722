/** Errors of the run model and the run repository; each wraps its cause. */
export class RunStoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
/** A run id that the store does not know. */
export class RunNotFoundError extends RunStoreError {}
/** A pagination cursor that this store did not issue (or that was tampered with). */
export class InvalidCursorError extends RunStoreError {}
/** Input that the store refuses (limits, sizes, shapes); `field` names what is wrong. */
export class InvalidRunInputError extends RunStoreError {
  constructor(
    message: string,
    readonly field: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
/** Optimistic concurrency kept failing (very high contention on one item). */
export class ContentionError extends RunStoreError {}
