// The shape of every error response; types only, so that the client (skiff/client) can share it without
// loading anything of the server.

/** One problem of a rejected request: which field, and what is wrong with it. */
export interface ErrorDetail {
  /** Dotted path into the request, e.g. `parameters.region`, `query.limit`, `header.Idempotency-Key`. */
  field: string;
  message: string;
  /** Stable machine code, e.g. `unknown`, `missing`, `enum`, `too-long`. */
  code?: string;
}

/** The JSON body of every error response. */
export interface ErrorBody {
  /** Stable machine code, e.g. `invalid-request`, `not-found`. */
  error: string;
  message: string;
  details: ErrorDetail[];
}
