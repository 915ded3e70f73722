import { describe, expect, it } from "vitest";
import { forwardedRequestHeaders, forwardedResponseHeaders } from "../../../lib/cli/dashboard/headers";

describe("the dashboard proxy's headers", () => {
  it("passes on only what the API reads: never the browser's credentials", () => {
    expect(
      forwardedRequestHeaders({
        accept: "application/json",
        "content-type": "application/json",
        "idempotency-key": "k1",
        authorization: "Bearer x",
        cookie: "a=b",
        connection: "keep-alive",
        "x-amz-security-token": "forged",
        host: "127.0.0.1:7710",
        origin: "http://127.0.0.1:7710",
      }),
    ).toEqual({ accept: "application/json", "content-type": "application/json", "idempotency-key": "k1" });
  });

  it("drops hop-by-hop headers, those Connection names, cookies and CORS grants from answers", () => {
    expect(
      forwardedResponseHeaders({
        "content-type": "application/json",
        "content-length": "2",
        connection: "keep-alive, x-hop",
        "x-hop": "1",
        "keep-alive": "timeout=5",
        "transfer-encoding": "chunked",
        "set-cookie": ["a=b"],
        "access-control-allow-origin": "*",
        etag: '"1"',
      }),
    ).toEqual({ "content-type": "application/json", "content-length": "2", etag: '"1"' });
  });
});
