/** Raised when a piece of the embedded stack cannot start or stop; `cause` carries the underlying error. */
export class LocalStackError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LocalStackError";
  }
}
