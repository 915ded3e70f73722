import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "./credentials";
import { delay } from "./net";
import type { FunctionDefinition } from "./serverless/functions";

/** A Lambda handler as `functions/index.ts` exports it: async, or (rarely) callback style. */
export type LambdaHandler = (
  event: never,
  context: Context,
  callback: (error?: unknown, result?: unknown) => void,
) => unknown;

/** Calls the handler and settles with its promise, or with its callback when it returns no promise. */
function call(handler: LambdaHandler, event: unknown, context: Context): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const returned = handler(event as never, context, (error, result) =>
      error ? reject(error) : resolve(result),
    );
    if (returned && typeof (returned as Promise<unknown>).then === "function") {
      (returned as Promise<unknown>).then(resolve, reject);
    } else if (handler.length < 3) {
      resolve(returned);
    }
  });
}

export class InvocationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvocationError";
  }
}

/** The context object Lambda passes to a handler, for one invocation. */
export function lambdaContext(fn: FunctionDefinition, deadline: number, region = LOCAL_REGION): Context {
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.name,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${fn.name}`,
    memoryLimitInMB: String(fn.memorySize),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: `local/[$LATEST]${requestId.replace(/-/g, "")}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/**
 * Invokes a handler once, synchronously (RequestResponse): resolves to its result, rejects with an
 * `InvocationError` when it throws or exceeds the function's timeout (the handler keeps running in the
 * background in that case; Lambda would freeze it).
 */
export async function invoke(
  fn: FunctionDefinition,
  handler: LambdaHandler,
  event: unknown,
): Promise<unknown> {
  const timeoutMs = fn.timeoutSeconds * 1000;
  const deadline = Date.now() + timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new InvocationError(`${fn.name}: task timed out after ${fn.timeoutSeconds} seconds`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([
      Promise.resolve().then(() => call(handler, event, lambdaContext(fn, deadline))),
      timedOut,
    ]);
  } catch (error) {
    if (error instanceof InvocationError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new InvocationError(`${fn.name} failed: ${message}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

export interface AsyncInvokeOptions {
  /** Delay before each retry; Lambda waits about a minute, locally a second is enough. Defaults to 1 s. */
  retryDelayMs?: number;
  log?: (message: string) => void;
}

/**
 * Lambda's asynchronous invocation (S3, schedules): retried `maximumRetryAttempts` times, then reported
 * (in AWS it would go to the on-failure destination). Never rejects.
 */
export async function invokeAsync(
  fn: FunctionDefinition,
  handler: LambdaHandler,
  event: unknown,
  options: AsyncInvokeOptions = {},
): Promise<void> {
  const { retryDelayMs = 1000, log = (m: string) => process.stderr.write(`${m}\n`) } = options;
  for (let attempt = 0; attempt <= fn.maximumRetryAttempts; attempt++) {
    try {
      await invoke(fn, handler, event);
      return;
    } catch (error) {
      const last = attempt === fn.maximumRetryAttempts;
      log(`${(error as Error).message}${last ? " (giving up: on-failure destination)" : "; retrying"}`);
      if (!last) await delay(retryDelayMs);
    }
  }
}
