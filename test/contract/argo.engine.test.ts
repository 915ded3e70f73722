import { createArgoEngine } from "../../lib/engine/argo";
import { ScriptedArgoController } from "../support/fake-k8s/scripted-controller";
import { FakeKubeApiServer } from "../support/fake-k8s/server";
import { engineContract } from "./engine.contract";

/**
 * The Argo engine through @kubernetes/client-node against the fake API server (scripted Argo
 * controller), or against a real cluster when SKIFF_CONTRACT_KUBECONFIG is set
 * (scripts/contract-real-cluster.sh).
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
      return { engine, teardown: async () => {} };
    }
    const server = new FakeKubeApiServer({ controller: new ScriptedArgoController() });
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
    return { engine, teardown: () => server.stop() };
  },
);
