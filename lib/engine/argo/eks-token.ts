import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { EngineAuthError } from "../../ports/engine-errors";

/** Prefix EKS (aws-iam-authenticator) expects in front of the encoded presigned URL. */
export const EKS_TOKEN_PREFIX = "k8s-aws-v1.";
/** Header that binds the token to one cluster; it is signed, so the token is useless for another cluster. */
export const CLUSTER_ID_HEADER = "x-k8s-aws-id";
/** Lifetime of the presigned URL itself (what aws-iam-authenticator checks against the signing date). */
export const PRESIGN_EXPIRES_SECONDS = 60;
/** EKS accepts a token for 15 minutes after signing; like `aws eks get-token` we advertise 14. */
export const TOKEN_LIFETIME_MS = 14 * 60_000;

export interface EksTokenRequest {
  /** The EKS cluster name (value of `x-k8s-aws-id`). */
  cluster: string;
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Signing time; the current time when omitted. */
  now?: Date;
}

export interface EksToken {
  token: string;
  /** When clients should stop using the token (signing time + 14 minutes). */
  expiresAt: Date;
}

/** The regional STS endpoint host the token is presigned for. */
export function stsHost(region: string): string {
  return region.startsWith("cn-") ? `sts.${region}.amazonaws.com.cn` : `sts.${region}.amazonaws.com`;
}

/**
 * Makes the bearer token EKS accepts: a presigned STS GetCallerIdentity URL (SigV4, 60 s, signing
 * `host` and `x-k8s-aws-id`), base64url-encoded without padding behind `k8s-aws-v1.`.
 */
export async function createEksToken(request: EksTokenRequest): Promise<EksToken> {
  if (!request.cluster) throw new EngineAuthError("EKS token: the cluster name is empty");
  if (!request.region)
    throw new EngineAuthError("EKS token: the AWS region is empty (set AWS_REGION or --region)");
  const signingDate = request.now ?? new Date();
  const hostname = stsHost(request.region);
  const signer = new SignatureV4({
    credentials: request.credentials,
    region: request.region,
    service: "sts",
    sha256: Sha256,
    uriEscapePath: true,
  });
  const unsigned = new HttpRequest({
    method: "GET",
    protocol: "https:",
    hostname,
    path: "/",
    query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
    headers: { host: hostname, [CLUSTER_ID_HEADER]: request.cluster },
  });
  let presigned: HttpRequest;
  try {
    presigned = (await signer.presign(unsigned, {
      expiresIn: PRESIGN_EXPIRES_SECONDS,
      signingDate,
      // The cluster header must stay a header (signed, not hoisted into the query), as EKS verifies it.
      unhoistableHeaders: new Set([CLUSTER_ID_HEADER]),
    })) as HttpRequest;
  } catch (cause) {
    throw new EngineAuthError("EKS token: could not sign the STS request (no AWS credentials?)", { cause });
  }
  const url = `https://${hostname}/?${encodeQuery(presigned.query)}`;
  return {
    token: EKS_TOKEN_PREFIX + Buffer.from(url, "utf8").toString("base64url"),
    expiresAt: new Date(signingDate.getTime() + TOKEN_LIFETIME_MS),
  };
}

/** Query string in the same encoding the signer used for the canonical query (RFC 3986, sorted). */
function encodeQuery(query: HttpRequest["query"]): string {
  return Object.keys(query)
    .sort()
    .flatMap((key) => {
      const value = query[key];
      const values = Array.isArray(value) ? value : [value];
      return values.map((v) => `${rfc3986(key)}=${rfc3986(v ?? "")}`);
    })
    .join("&");
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Decodes a token back into its presigned URL (for diagnostics and tests). */
export function decodeEksToken(token: string): URL {
  if (!token.startsWith(EKS_TOKEN_PREFIX))
    throw new EngineAuthError(`not an EKS token (no ${EKS_TOKEN_PREFIX})`);
  return new URL(Buffer.from(token.slice(EKS_TOKEN_PREFIX.length), "base64url").toString("utf8"));
}

export interface EksTokenSourceOptions {
  cluster: string;
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Age after which a new token is made. Default 10 minutes: well before EKS's 15-minute limit. */
  refreshAfterMs?: number;
  /** Clock, for tests. Default `() => new Date()`. */
  clock?: () => Date;
}

/** Caches one token per source and renews it once it reaches `refreshAfterMs` of age, or on demand. */
export class EksTokenSource {
  private readonly options: Required<EksTokenSourceOptions>;
  private current?: { token: string; signedAt: number };
  private pending?: Promise<string>;

  constructor(options: EksTokenSourceOptions) {
    this.options = { refreshAfterMs: 10 * 60_000, clock: () => new Date(), ...options };
  }

  /** A token younger than `refreshAfterMs`. */
  async token(): Promise<string> {
    const now = this.options.clock().getTime();
    if (this.current && now - this.current.signedAt < this.options.refreshAfterMs) return this.current.token;
    this.pending ??= this.renew().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Drops the cached token (e.g. after a 401), so the next call signs a new one. */
  invalidate(): void {
    this.current = undefined;
  }

  private async renew(): Promise<string> {
    const now = this.options.clock();
    const { token } = await createEksToken({ ...this.options, now });
    this.current = { token, signedAt: now.getTime() };
    return token;
  }
}
