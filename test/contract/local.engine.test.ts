import { LocalEngine } from "../../lib/engine/local";
import { tempDir } from "../support/temp-dir";
import { engineContract } from "./engine.contract";

/** The same scenarios on the local engine (host processes). */
engineContract("local", async () => {
  const work = tempDir("contract-engine");
  const engine = new LocalEngine({ namespace: "skiff", workDir: work.path });
  return {
    engine,
    teardown: async () => {
      await engine.close();
      work.remove();
    },
  };
});
