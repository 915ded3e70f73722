import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { freeListenPort, freePort, freePortRange, portInUse } from "../../../lib/local/net";

describe("ports", () => {
  it("tells a busy port from a free one", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const busy = (server.address() as AddressInfo).port;
    try {
      expect(await portInUse(busy)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await portInUse(await freePort())).toBe(false);
  });

  it("picks a listening port below the ephemeral range that nothing listens on, on any address", async () => {
    for (let i = 0; i < 5; i++) {
      const port = await freeListenPort();
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThanOrEqual(32_767);
      expect(await portInUse(port)).toBe(false);
    }
  });

  it("finds four consecutive free ports below the ephemeral range for a stack's --port", async () => {
    for (let i = 0; i < 3; i++) {
      const base = (await freePortRange(4)) as number;
      expect(base).toBeGreaterThanOrEqual(20_000);
      expect(base + 3).toBeLessThanOrEqual(32_767);
      for (let port = base; port < base + 4; port++) expect(await portInUse(port)).toBe(false);
    }
  });
});
