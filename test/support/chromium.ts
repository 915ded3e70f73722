// Launching the browser the dashboard's tests and benchmarks drive (vitest-free, so bench/ can use it too).
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** The chromium to drive: SKIFF_CHROMIUM, else Debian's. */
export function chromiumPath(): string {
  const path = process.env.SKIFF_CHROMIUM || "/usr/bin/chromium";
  if (!existsSync(path)) {
    throw new Error(
      `browser tests need chromium, which is not at ${path}: install it with \`apt-get install -y chromium\` ` +
        "(or point SKIFF_CHROMIUM at a Chromium binary)",
    );
  }
  return path;
}

/**
 * Launches headless chromium. Playwright gives every launch a fresh profile (user-data-dir) of its own and
 * removes it on close; each test then gets a new context (cookies, storage) in it.
 */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return { browser, close: () => browser.close() };
}
