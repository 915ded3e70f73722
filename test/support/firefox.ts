// Launching Firefox for the dashboard's browser tests: Debian's firefox-esr (or SKIFF_FIREFOX), driven by
// playwright-core over WebDriver BiDi (its "moz-firefox" channel drives a stock Firefox, no patched build).
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, firefox } from "playwright-core";

/** Answers what Firefox ESR lacks of playwright-core's BiDi (see the file's header). */
const RELAY = fileURLToPath(new URL("./firefox-bidi-relay.mjs", import.meta.url));

/** The Firefox to drive: SKIFF_FIREFOX, else Debian's firefox-esr. */
export function firefoxPath(): string {
  const path = process.env.SKIFF_FIREFOX || "/usr/bin/firefox-esr";
  if (!existsSync(path)) {
    throw new Error(
      `browser tests need Firefox, which is not at ${path}: install it with \`apt-get install -y firefox-esr\` ` +
        "(or point SKIFF_FIREFOX at a Firefox binary)",
    );
  }
  return path;
}

/** Launches headless Firefox with a fresh profile of its own, removed on close. */
export async function launchFirefox(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const executable = firefoxPath();
  const browser = await firefox.launch({
    channel: "moz-firefox",
    executablePath: RELAY,
    headless: true,
    // Firefox shows JSON (an API error the page navigated to) in its devtools viewer, a privileged page it
    // cannot screenshot; the raw text is what a test wants to see anyway.
    firefoxUserPrefs: { "devtools.jsonview.enabled": false },
    // The relay runs on this Node (its `#!/usr/bin/env node` finds it first), whatever else is on PATH.
    env: {
      ...process.env,
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
      SKIFF_FIREFOX_EXECUTABLE: executable,
    },
  });
  return { browser, close: () => browser.close() };
}
