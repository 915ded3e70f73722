import { createServer } from "node:net";

/** A TCP port that was free a moment ago on the loopback interface (callers retry if they lose the race). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// Below the ephemeral ranges (Linux 32768–60999; macOS and Windows 49152–65535), which outgoing connections take
// their source ports from: a server that binds seconds after its port was chosen (a JVM) does not race them there.
const LISTEN_RANGE = { from: 20_000, to: 32_767 };

/**
 * A port nothing listens on, on any local address, outside the ephemeral range: for a server that starts slowly
 * and binds all interfaces. Tries random ports; falls back to `freePort()` when none of them is free.
 */
export async function freeListenPort(tries = 20): Promise<number> {
  return (await freePortRange(1, tries)) ?? freePort();
}

/**
 * The first of `count` consecutive ports nothing listens on, outside the ephemeral range (`skiff start --port`
 * takes four), or undefined when `tries` random picks found none.
 */
export async function freePortRange(count: number, tries = 20): Promise<number | undefined> {
  for (let i = 0; i < tries; i++) {
    const base =
      LISTEN_RANGE.from + Math.floor(Math.random() * (LISTEN_RANGE.to - LISTEN_RANGE.from - count + 2));
    let free = true;
    for (let port = base; free && port < base + count; port++) free = !(await portInUse(port));
    if (free) return base;
  }
  return undefined;
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether something already listens on the port (on any local address). */
export async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "EADDRINUSE"));
    server.listen(port, () => server.close(() => resolve(false)));
  });
}
