import {
  EngineAuthError,
  EngineError,
  EngineUnavailableError,
  WorkflowConflictError,
  WorkflowNotFoundError,
  WorkflowRejectedError,
} from "../../ports/engine-errors";

/** How transient failures (429, 5xx, timeouts, dropped connections) are retried. */
export interface RetryPolicy {
  /** Total attempts including the first. Default 5. */
  attempts: number;
  /** First backoff; doubles every attempt. Default 200 ms. */
  baseDelayMs: number;
  /** Upper bound of one backoff (and of a server's Retry-After). Default 5 s. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 };

/** A failed HTTP exchange with the API server, before it is turned into a typed engine error. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "HttpStatusError";
  }
}

/** The request got no answer in time (the server may still have acted on it). */
export class RequestTimeoutError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RequestTimeoutError";
  }
}

/** True for failures worth another attempt. */
export function isTransient(error: unknown): boolean {
  if (error instanceof RequestTimeoutError) return true;
  if (error instanceof HttpStatusError) return error.status === 429 || error.status >= 500;
  if (error instanceof EngineError) return false;
  // Connection resets, refused connections and aborted sockets surface as plain errors with a code.
  const code =
    (error as { code?: string } | undefined)?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  const type = (error as { type?: string } | undefined)?.type;
  const name = (error as { name?: string } | undefined)?.name;
  return (
    name === "TimeoutError" ||
    name === "AbortError" ||
    type === "system" ||
    type === "aborted" ||
    ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "UND_ERR_SOCKET"].includes(code ?? "")
  );
}

/** The Kubernetes `Status` message of an error body, when there is one. */
export function statusMessage(body: unknown): string | undefined {
  if (body && typeof body === "object") {
    const message = (body as { message?: unknown }).message;
    if (typeof message === "string" && message) return message;
  }
  if (typeof body === "string" && body.trim()) {
    try {
      return statusMessage(JSON.parse(body));
    } catch {
      return body.trim().slice(0, 500);
    }
  }
  return undefined;
}

/** Maps an HTTP failure to the typed engine error callers handle, naming the operation and object. */
export function toEngineError(error: unknown, what: string): Error {
  if (error instanceof EngineError) return error;
  if (error instanceof HttpStatusError) {
    const detail = statusMessage(error.body) ?? error.message;
    switch (error.status) {
      case 401:
        return new EngineAuthError(
          `${what}: unauthorized (401): the cluster rejected the credentials: ${detail}`,
          {
            cause: error,
          },
        );
      case 403:
        return new EngineAuthError(
          `${what}: forbidden (403): the identity lacks RBAC permission (needs workflows create/get/list/watch/patch/update and pods/log get in the namespace): ${detail}`,
          { cause: error },
        );
      case 404:
        return new WorkflowNotFoundError(`${what}: not found (404): ${detail}`, { cause: error });
      case 409:
        return new WorkflowConflictError(`${what}: conflict (409): ${detail}`, { cause: error });
      case 400:
      case 422:
        return new WorkflowRejectedError(`${what}: rejected (${error.status}): ${detail}`, { cause: error });
      default:
        if (isTransient(error)) {
          return new EngineUnavailableError(
            `${what}: the API server kept failing (${error.status}): ${detail}`,
            {
              cause: error,
            },
          );
        }
        return new EngineError(`${what}: unexpected HTTP ${error.status}: ${detail}`, { cause: error });
    }
  }
  if (isTransient(error)) {
    const reason = error instanceof Error ? error.message : String(error);
    return new EngineUnavailableError(`${what}: the API server did not answer: ${reason}`, { cause: error });
  }
  return new EngineError(`${what}: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}

export interface RetryHooks {
  /** Called before each new attempt (after a transient failure); may throw to stop retrying. */
  beforeRetry?: (error: unknown, attempt: number) => Promise<void>;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `operation`, retrying transient failures with exponential backoff and full jitter. */
export async function withRetries<T>(
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  const sleep = hooks.sleep ?? defaultSleep;
  let attempt = 1;
  for (;;) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isTransient(error) || attempt >= policy.attempts) throw error;
      const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const serverHint =
        error instanceof HttpStatusError && error.retryAfterSeconds !== undefined
          ? Math.min(policy.maxDelayMs, error.retryAfterSeconds * 1000)
          : 0;
      await sleep(Math.max(serverHint, Math.random() * exponential));
      attempt += 1;
      await hooks.beforeRetry?.(error, attempt);
    }
  }
}
