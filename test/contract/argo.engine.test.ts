import { S3SpecStore } from "../../lib/adapters/s3/spec-store";
import { createArgoEngine } from "../../lib/engine/argo";
import { LocalDirArtifactStore } from "../../lib/engine/local";
import { ScriptedArgoController } from "../support/fake-k8s/scripted-controller";
import { FakeKubeApiServer } from "../support/fake-k8s/server";
import { tempDir } from "../support/temp-dir";
import { engineContract, storeReader } from "./engine.contract";

/**
 * The Argo engine through @kubernetes/client-node against the fake API server (scripted Argo
 * controller, archiving logs into a directory standing for the artifact repository), or against a real
 * cluster when SKIFF_CONTRACT_KUBECONFIG is set (scripts/contract-real-cluster.sh; its archived logs are
 * read from the S3 bucket SKIFF_CONTRACT_ARTIFACT_BUCKET, the cluster's artifact repository).
 */
engineContract(
  process.env.SKIFF_CONTRACT_KUBECONFIG ? "argo (real cluster)" : "argo (fake API server)",
  async () => {
    const kubeconfig = process.env.SKIFF_CONTRACT_KUBECONFIG;
    if (kubeconfig) {
      const engine = createArgoEngine({
        cluster: { mode: "kubeconfig", path: kubeconfig, context: process.env.SKIFF_CONTRACT_CONTEXT },
        namespace: process.env.SKIFF_CONTRACT_NAMESPACE ?? "argo",
        instanceId: process.env.SKIFF_CONTRACT_INSTANCE_ID,
      });
      const bucket = process.env.SKIFF_CONTRACT_ARTIFACT_BUCKET;
      const store = bucket ? new S3SpecStore({ bucket }) : undefined;
      return {
        engine,
        readObject: async (key) => {
          if (!store)
            throw new Error("set SKIFF_CONTRACT_ARTIFACT_BUCKET to the cluster's artifact repository");
          return (await store.get(key))?.body;
        },
        teardown: async () => {},
      };
    }
    const work = tempDir("contract-argo");
    const archive = new LocalDirArtifactStore(work.path);
    const server = new FakeKubeApiServer({ controller: new ScriptedArgoController({ archive }) });
    const url = await server.start();
    const engine = createArgoEngine({
      cluster: {
        mode: "server",
        server: url,
        skipTLSVerify: true,
        token: { token: async () => "contract-token" },
      },
      namespace: "skiff",
    });
    return {
      engine,
      readObject: storeReader(archive),
      teardown: async () => {
        await server.stop();
        work.remove();
      },
    };
  },
);
