import { freePortRange } from "../../lib/local/net";

/** A base for `skiff start --port`: four consecutive free ports, below the ephemeral range. */
export async function stackBasePort(): Promise<number> {
  const port = await freePortRange(4);
  if (port === undefined) throw new Error("found no four consecutive free ports for a stack");
  return port;
}
