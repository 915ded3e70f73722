import { LocalEngine } from "../../lib/engine/local";
import { engineContract } from "./engine.contract";

/** The same scenarios on the local engine (host processes). */
engineContract("local", async () => {
  const engine = new LocalEngine({ namespace: "skiff" });
  return { engine, teardown: () => engine.close() };
});
