import { join } from "node:path";
import { LocalDirArtifactStore, LocalEngine } from "../../lib/engine/local";
import { tempDir } from "../support/temp-dir";
import { engineContract, storeReader } from "./engine.contract";

/** The same scenarios on the local engine (host processes), with an artifact store for its logs. */
engineContract("local", async () => {
  const work = tempDir("contract-engine");
  const artifacts = new LocalDirArtifactStore(join(work.path, "bucket"));
  const engine = new LocalEngine({ namespace: "skiff", workDir: join(work.path, "work"), artifacts });
  return {
    engine,
    readObject: storeReader(artifacts),
    teardown: async () => {
      await engine.close();
      work.remove();
    },
  };
});
