import type { Command } from "commander";
import { UsageError } from "../exit";

/** The kubectl exec-plugin output (`client.authentication.k8s.io/v1beta1`). */
export interface ExecCredential {
  kind: "ExecCredential";
  apiVersion: "client.authentication.k8s.io/v1beta1";
  spec: Record<string, never>;
  status: { expirationTimestamp: string; token: string };
}

export async function eksExecCredential(
  cluster: string,
  region: string,
  now?: Date,
): Promise<ExecCredential> {
  // Loaded on use so that other commands do not pay for the AWS SDK at start-up.
  const [{ fromNodeProviderChain }, { createEksToken }] = await Promise.all([
    import("@aws-sdk/credential-providers"),
    import("../../engine/argo/eks-token"),
  ]);
  const { token, expiresAt } = await createEksToken({
    cluster,
    region,
    credentials: fromNodeProviderChain(),
    now,
  });
  return {
    kind: "ExecCredential",
    apiVersion: "client.authentication.k8s.io/v1beta1",
    spec: {},
    status: { expirationTimestamp: expiresAt.toISOString().replace(/\.\d{3}Z$/, "Z"), token },
  };
}

/** `skiff eks-token --cluster <name> [--region <r>]`: a kubectl exec credential plugin, like `aws eks get-token`. */
export function registerEksTokenCommand(program: Command): void {
  program
    .command("eks-token")
    .description(
      "print an ExecCredential with an EKS bearer token (kubectl exec plugin); AWS credentials from the standard chain",
    )
    .requiredOption("--cluster <name>", "EKS cluster name")
    .option("--region <region>", "AWS region (default: AWS_REGION / AWS_DEFAULT_REGION)")
    .action(async (options: { cluster: string; region?: string }) => {
      const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
      if (!region) throw new UsageError("eks-token: no region: pass --region or set AWS_REGION");
      if (!options.cluster.trim()) throw new UsageError("eks-token: --cluster must not be empty");
      const credential = await eksExecCredential(options.cluster, region);
      process.stdout.write(`${JSON.stringify(credential)}\n`);
    });
}
