import { describe, expect, it } from "vitest";
import { refusal } from "../../../lib/cli/dashboard/guard";
import { forwardedRequestHeaders, forwardedResponseHeaders } from "../../../lib/cli/dashboard/headers";

describe("the dashboard proxy's guard", () => {
  const port = 7710;
  it("lets the page's own requests and local tools through", () => {
    expect(refusal({ host: "127.0.0.1:7710" }, port, true)).toBeUndefined();
    expect(refusal({ host: "localhost:7710", origin: "http://localhost:7710" }, port, true)).toBeUndefined();
    expect(
      refusal(
        { host: "127.0.0.1:7710", origin: "http://127.0.0.1:7710", "sec-fetch-site": "same-origin" },
        port,
        true,
      ),
    ).toBeUndefined();
    expect(refusal({ host: "127.0.0.1:7710", "sec-fetch-site": "none" }, port, true)).toBeUndefined();
  });

  it("refuses another Host (DNS rebinding), another port, a foreign or null Origin, a cross-site or same-site fetch", () => {
    expect(refusal({ host: "evil.example:7710" }, port, false)).toMatch(/Host "evil.example:7710"/);
    expect(refusal({ host: "127.0.0.1:7711" }, port, false)).toMatch(/Host/);
    expect(refusal({}, port, false)).toMatch(/Host ""/);
    expect(refusal({ host: "127.0.0.1:7710", origin: "https://evil.example" }, port, true)).toMatch(/Origin/);
    expect(refusal({ host: "127.0.0.1:7710", origin: "null" }, port, true)).toMatch(/Origin "null"/);
    expect(refusal({ host: "127.0.0.1:7710", "sec-fetch-site": "cross-site" }, port, true)).toMatch(
      /cross-site/,
    );
    expect(refusal({ host: "127.0.0.1:7710", "sec-fetch-site": "same-site" }, port, true)).toMatch(
      /same-site/,
    );
  });

  it("lets a link from another site open the page itself (not the API)", () => {
    const navigation = { host: "127.0.0.1:7710", "sec-fetch-site": "cross-site" };
    expect(refusal(navigation, port, false)).toBeUndefined();
    expect(refusal(navigation, port, true)).toBeDefined();
  });
});

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
