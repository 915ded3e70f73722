import { join } from "node:path";
import { createArgoEngine } from "../../lib/engine/argo";
import { LocalDirArtifactStore, LocalEngine } from "../../lib/engine/local";
import { LocalEngineController } from "../support/fake-k8s/local-engine-controller";
import { FakeKubeApiServer } from "../support/fake-k8s/server";
import { tempDir } from "../support/temp-dir";
import { engineContract, storeReader } from "./engine.contract";

/**
 * The Argo engine against the fake API server whose controller executes workflows with the local
 * engine: real steps run, and their status comes back through the Kubernetes wire protocol. The local
 * engine's artifact store stands for the cluster's artifact repository (archived logs).
 */
engineContract("argo (fake API server, local engine as controller)", async () => {
  const work = tempDir("contract-engine");
  const artifacts = new LocalDirArtifactStore(join(work.path, "bucket"));
  const local = new LocalEngine({ namespace: "skiff", workDir: join(work.path, "work"), artifacts });
  const controller = new LocalEngineController(local);
  const server = new FakeKubeApiServer({ controller });
  controller.attach(server);
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
    readObject: storeReader(artifacts),
    teardown: async () => {
      await server.stop();
      await local.close();
      work.remove();
    },
  };
});
