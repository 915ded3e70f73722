import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { decodeEksToken } from "../../../../lib/engine/argo/eks-token";

const run = promisify(execFile);
const BIN = fileURLToPath(new URL("../../../../bin/skiff.js", import.meta.url));
const credentialsEnv = {
  PATH: process.env.PATH ?? "",
  HOME: "/nonexistent",
  AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  AWS_EC2_METADATA_DISABLED: "true",
};

describe("skiff eks-token", () => {
  it("prints an ExecCredential usable as a kubectl exec plugin, credentials from the standard chain", async () => {
    const before = Date.now();
    const { stdout } = await run(
      process.execPath,
      [BIN, "eks-token", "--cluster", "prod-eks", "--region", "eu-central-1"],
      {
        env: credentialsEnv,
      },
    );
    const after = Date.now();
    const credential = JSON.parse(stdout);
    expect(credential).toMatchObject({
      kind: "ExecCredential",
      apiVersion: "client.authentication.k8s.io/v1beta1",
      spec: {},
    });
    const url = decodeEksToken(credential.status.token);
    expect(url.host).toBe("sts.eu-central-1.amazonaws.com");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(
      /^AKIDEXAMPLE\/\d{8}\/eu-central-1\/sts\/aws4_request$/,
    );
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("host;x-k8s-aws-id");
    const expires = Date.parse(credential.status.expirationTimestamp);
    expect(credential.status.expirationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // Signed during the call; advertised for 14 minutes (second precision).
    expect(expires).toBeGreaterThanOrEqual(before + 14 * 60_000 - 1_000);
    expect(expires).toBeLessThanOrEqual(after + 14 * 60_000);
  });

  it("is a usage error (exit 2) without a region", async () => {
    const failure = await run(process.execPath, [BIN, "eks-token", "--cluster", "x"], {
      env: credentialsEnv,
    }).catch((e) => e);
    expect(failure.code).toBe(2);
    expect(failure.stderr).toMatch(/--region/);
  });
});
