import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createEksToken, decodeEksToken, EksTokenSource } from "../../../../lib/engine/argo/eks-token";

const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: "session/token+with=chars",
};
const now = new Date("2026-03-04T05:06:07Z");

const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();
const sha256 = (data: string) => createHash("sha256").update(data, "utf8").digest("hex");
const uriEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** SigV4 query-string signature computed from the documented algorithm, independently of the code under test. */
function expectedSignature(query: URLSearchParams, host: string, cluster: string): string {
  const params = [...query.entries()].filter(([k]) => k !== "X-Amz-Signature");
  const canonicalQuery = params
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalRequest = [
    "GET",
    "/",
    canonicalQuery,
    `host:${host}\nx-k8s-aws-id:${cluster}\n`,
    "host;x-k8s-aws-id",
    sha256(""),
  ].join("\n");
  const scope = "20260304/us-west-2/sts/aws4_request";
  const stringToSign = ["AWS4-HMAC-SHA256", "20260304T050607Z", scope, sha256(canonicalRequest)].join("\n");
  const kDate = hmac(`AWS4${credentials.secretAccessKey}`, "20260304");
  const kRegion = hmac(kDate, "us-west-2");
  const kService = hmac(kRegion, "sts");
  const kSigning = hmac(kService, "aws4_request");
  return createHmac("sha256", kSigning).update(stringToSign, "utf8").digest("hex");
}

describe("EKS bearer token", () => {
  it("is k8s-aws-v1. + unpadded base64url of a presigned STS GetCallerIdentity URL with a valid SigV4 signature", async () => {
    const { token, expiresAt } = await createEksToken({
      cluster: "prod-eks",
      region: "us-west-2",
      credentials,
      now,
    });
    expect(token.startsWith("k8s-aws-v1.")).toBe(true);
    const encoded = token.slice("k8s-aws-v1.".length);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    const url = new URL(Buffer.from(encoded, "base64url").toString("utf8"));
    expect(url.protocol).toBe("https:");
    expect(url.host).toBe("sts.us-west-2.amazonaws.com");
    expect(url.pathname).toBe("/");
    const q = url.searchParams;
    expect(q.get("Action")).toBe("GetCallerIdentity");
    expect(q.get("Version")).toBe("2011-06-15");
    expect(q.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
    expect(q.get("X-Amz-Credential")).toBe("AKIDEXAMPLE/20260304/us-west-2/sts/aws4_request");
    expect(q.get("X-Amz-Date")).toBe("20260304T050607Z");
    expect(q.get("X-Amz-Expires")).toBe("60");
    expect(q.get("X-Amz-SignedHeaders")).toBe("host;x-k8s-aws-id");
    expect(q.get("X-Amz-Security-Token")).toBe(credentials.sessionToken);
    expect(q.get("X-Amz-Signature")).toBe(expectedSignature(q, "sts.us-west-2.amazonaws.com", "prod-eks"));
    expect(expiresAt.toISOString()).toBe("2026-03-04T05:20:07.000Z");
    expect(decodeEksToken(token).toString()).toBe(url.toString());
  });

  it("binds the token to the cluster: another cluster name gives another signature", async () => {
    const a = decodeEksToken(
      (await createEksToken({ cluster: "a", region: "us-west-2", credentials, now })).token,
    );
    const b = decodeEksToken(
      (await createEksToken({ cluster: "b", region: "us-west-2", credentials, now })).token,
    );
    expect(a.searchParams.get("X-Amz-Signature")).not.toBe(b.searchParams.get("X-Amz-Signature"));
    expect(b.searchParams.get("X-Amz-Signature")).toBe(
      expectedSignature(b.searchParams, "sts.us-west-2.amazonaws.com", "b"),
    );
  });

  it("is cached and refreshed once it is older than the refresh age, or after invalidate()", async () => {
    let clock = now.getTime();
    const source = new EksTokenSource({
      cluster: "c",
      region: "us-west-2",
      credentials,
      refreshAfterMs: 10 * 60_000,
      clock: () => new Date(clock),
    });
    const first = await source.token();
    clock += 9 * 60_000;
    expect(await source.token()).toBe(first);
    clock += 2 * 60_000;
    const second = await source.token();
    expect(second).not.toBe(first);
    expect(decodeEksToken(second).searchParams.get("X-Amz-Date")).toBe("20260304T051707Z");
    source.invalidate();
    clock += 1000;
    expect(await source.token()).not.toBe(second);
  });
});
