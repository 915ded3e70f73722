import type { HTTP } from "../../argo";
import { evaluateExpr } from "../../argo/expr";
import type { NodePhase } from "../../argo/phases";

export interface HttpOutcome {
  phase: NodePhase;
  message?: string;
  body: string;
}

/** Argo's http template: a real request; `successCondition` (expr over `response`) or status < 400 decides. */
export async function runHttp(http: HTTP, signal: AbortSignal): Promise<HttpOutcome> {
  const headers: Record<string, string> = {};
  for (const h of http.headers ?? []) if (h.value !== undefined) headers[h.name] = h.value;
  const timeout = AbortSignal.timeout((http.timeoutSeconds ?? 30) * 1000);
  let response: Response;
  try {
    response = await fetch(http.url, {
      method: http.method ?? "GET",
      headers,
      ...(http.body !== undefined ? { body: http.body } : {}),
      signal: AbortSignal.any([signal, timeout]),
    });
  } catch (error) {
    return {
      phase: "Failed",
      message:
        error instanceof Error
          ? `${error.message}${error.cause ? `: ${String((error.cause as Error).message ?? error.cause)}` : ""}`
          : String(error),
      body: "",
    };
  }
  const body = await response.text();
  const responseHeaders: Record<string, string[]> = {};
  response.headers.forEach((value, key) => {
    responseHeaders[key] = [value];
  });
  if (http.successCondition) {
    let ok: unknown;
    try {
      ok = evaluateExpr(http.successCondition, {
        response: { statusCode: response.status, body, headers: responseHeaders },
      });
    } catch (error) {
      return { phase: "Error", message: error instanceof Error ? error.message : String(error), body };
    }
    return ok === true
      ? { phase: "Succeeded", body }
      : { phase: "Failed", message: `successCondition '${http.successCondition}' evaluated false`, body };
  }
  if (response.status >= 400) {
    return { phase: "Failed", message: `received non-2xx response code: ${response.status}`, body };
  }
  return { phase: "Succeeded", body };
}
