#!/usr/bin/env node
// Stands in for Firefox as playwright-core's executable (test/support/firefox.ts): starts the real Firefox
// (SKIFF_FIREFOX_EXECUTABLE) with the same arguments and relays its WebDriver BiDi connection, bridging the two
// places where playwright-core 1.65 speaks a newer BiDi than Firefox ESR 153:
// - it sends emulation.setMediaFeaturesOverride whenever it creates a context, which Firefox 153 answers with
//   "unknown command", failing newContext(). Asked for no override (the only way the harness asks), the command
//   is a no-op, so the relay answers it; a real override is refused, never faked.
// - it ignores a download whose browsingContext.downloadWillBegin/downloadEnd events carry no `download` id, a
//   field Firefox 153 does not send yet (it has only `navigation`, null for a script's click on a blob: link).
//   The relay gives such a download an id of its own, by its URL, so that page.waitForEvent("download") sees it.
// Everything else passes through unchanged.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { WebSocket, WebSocketServer } from "ws";

const executable = process.env.SKIFF_FIREFOX_EXECUTABLE;
if (!executable) {
  process.stderr.write("firefox-bidi-relay: SKIFF_FIREFOX_EXECUTABLE names no Firefox\n");
  process.exit(2);
}

const firefox = spawn(executable, process.argv.slice(2), { stdio: ["ignore", "pipe", "pipe"] });
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => firefox.kill(signal));
firefox.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

/** What the relay answers itself for `message`, or undefined to pass it on to Firefox. */
function answer(message) {
  if (message.method !== "emulation.setMediaFeaturesOverride") return undefined;
  const features = message.params?.features ?? {};
  const overrides = Object.entries(features).filter(([, value]) => value !== null && value !== undefined);
  if (overrides.length === 0) return { type: "success", id: message.id, result: {} };
  return {
    type: "error",
    id: message.id,
    error: "unsupported operation",
    message: `this Firefox cannot emulate media features (${overrides.map(([name]) => name).join(", ")})`,
  };
}

let downloads = 0;
/** Download ids given by the relay, by the download's URL, from its start to its end. */
const downloadIds = new Map();

/** Firefox's `text` as the client gets it: download events with an id (see the header), the rest as sent. */
function amend(text) {
  if (!text.includes('"browsingContext.download')) return text;
  const message = JSON.parse(text);
  const params = message.params;
  if (message.type !== "event" || !params || params.download || params.navigation) return text;
  if (message.method === "browsingContext.downloadWillBegin") {
    params.download = `relay-download-${++downloads}`;
    downloadIds.set(params.url, params.download);
  } else if (message.method === "browsingContext.downloadEnd" && downloadIds.has(params.url)) {
    params.download = downloadIds.get(params.url);
    downloadIds.delete(params.url);
  } else {
    return text;
  }
  return JSON.stringify(message);
}

/** Listens on loopback and joins each client to a connection of its own to Firefox's `upstream`. */
async function relay(upstream) {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
  await new Promise((resolve) => server.once("listening", resolve));
  server.on("connection", (client, request) => {
    const browser = new WebSocket(`${upstream}${request.url ?? ""}`, { perMessageDeflate: false });
    // The client may speak before the connection to Firefox is open.
    const waiting = [];
    browser.on("open", () => {
      for (const text of waiting.splice(0)) browser.send(text);
    });
    browser.on("message", (data) => client.send(amend(data.toString())));
    browser.on("close", () => client.close());
    browser.on("error", () => client.close());
    client.on("close", () => browser.close());
    client.on("message", (data) => {
      const text = data.toString();
      const reply = answer(JSON.parse(text));
      if (reply) client.send(JSON.stringify(reply));
      else if (browser.readyState === WebSocket.OPEN) browser.send(text);
      else waiting.push(text);
    });
  });
  return `ws://127.0.0.1:${server.address().port}`;
}

// Firefox's output passes through, but for the line that tells playwright-core where BiDi listens: that
// names the relay instead.
for (const [from, to] of [
  [firefox.stdout, process.stdout],
  [firefox.stderr, process.stderr],
]) {
  createInterface({ input: from }).on("line", async (line) => {
    const listening = /^(.*WebDriver BiDi listening on )(ws:\/\/[^/\s]+)(.*)$/.exec(line);
    if (!listening) {
      to.write(`${line}\n`);
      return;
    }
    const [, before, upstream, after] = listening;
    to.write(`${before}${await relay(upstream)}${after}\n`);
  });
}
