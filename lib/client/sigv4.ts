import { regionFromHost } from "./endpoints";
import { CredentialsError, ExpiredCredentialsError } from "./errors";

export type Signer = (request: {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** The payload its signature covers (the proxy of `skiff dashboard` forwards bytes as they came). */
  body?: string | Uint8Array;
}) => Promise<Record<string, string>>;

/**
 * SigV4 for API Gateway's IAM auth (`execute-api`), with credentials from the AWS SDK's standard chain (the
 * named profile when a context gives one). Loaded on first use: the embedded stack needs none of it.
 */
export async function sigV4Signer(region: string | undefined, profile: string | undefined): Promise<Signer> {
  const [{ SignatureV4 }, { Sha256 }, { fromNodeProviderChain }, { HttpRequest }] = await Promise.all([
    import("@smithy/signature-v4"),
    import("@aws-crypto/sha256-js"),
    import("@aws-sdk/credential-providers"),
    import("@smithy/protocol-http"),
  ]);
  const credentials = fromNodeProviderChain(profile ? { profile } : {});
  return async ({ method, url, headers, body }) => {
    const signer = new SignatureV4({
      service: "execute-api",
      region: region ?? regionFromHost(url.hostname) ?? "us-east-1",
      credentials,
      sha256: Sha256,
    });
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    try {
      const signed = await signer.sign(
        new HttpRequest({
          method,
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port ? Number(url.port) : undefined,
          path: url.pathname,
          query,
          headers: { ...headers, host: url.host },
          body,
        }),
      );
      return signed.headers as Record<string, string>;
    } catch (cause) {
      throw credentialError(cause, profile);
    }
  };
}

/** The chain could not give credentials: expired (an SSO session, a token) or none at all. */
function credentialError(cause: unknown, profile: string | undefined): Error {
  const message = cause instanceof Error ? cause.message : String(cause);
  const login = `aws sso login${profile ? ` --profile ${profile}` : ""}`;
  if (/expired/i.test(message)) {
    return new ExpiredCredentialsError(
      `the AWS credentials have expired (${message}); renew them (${login}) and retry`,
      {
        cause,
      },
    );
  }
  return new CredentialsError(
    `no AWS credentials to sign requests to this stage (${message}); ${profile ? `log in to profile ${profile} (${login})` : "set AWS_PROFILE or run aws configure / aws sso login"}`,
    { cause },
  );
}
