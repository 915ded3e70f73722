// The dashboard's file server on a real HTTP server over a real directory.
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assetPath, dashboardAssets } from "../../../lib/dashboard/assets";
import { tempDir } from "../../support/temp-dir";

const dir = tempDir("dashboard-assets");
let server: Server;
let base: string;

beforeAll(async () => {
  mkdirSync(join(dir.path, "dist", "assets"), { recursive: true });
  writeFileSync(join(dir.path, "dist", "index.html"), "<!doctype html><title>t</title>");
  writeFileSync(join(dir.path, "dist", "assets", "app.js"), "console.log(1)");
  writeFileSync(join(dir.path, "dist", "assets", "app.css"), "body{}");
  writeFileSync(join(dir.path, "secret.txt"), "not served");
  const assets = dashboardAssets({ dir: join(dir.path, "dist") });
  server = createServer((req, res) => {
    if (!assets(req, res)) res.writeHead(418).end("not the dashboard's");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  dir.remove();
});

describe("dashboardAssets", () => {
  it("serves the page at / and the assets with their content types", async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(await page.text()).toContain("<title>t</title>");
    const js = await fetch(`${base}/assets/app.js`);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await js.text()).toBe("console.log(1)");
    expect((await fetch(`${base}/assets/app.css`)).headers.get("content-type")).toBe(
      "text/css; charset=utf-8",
    );
  });

  it("answers 304 to a matching If-None-Match and HEAD without a body", async () => {
    const first = await fetch(`${base}/assets/app.js`);
    const etag = first.headers.get("etag") as string;
    expect(etag).toMatch(/^".+"$/);
    const again = await fetch(`${base}/assets/app.js`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    const head = await fetch(`${base}/`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("refuses what is not an asset: 404 under /assets, and leaves every other path to the caller", async () => {
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/assets/..%2Fsecret.txt`)).status).toBe(404);
    expect((await fetch(`${base}/assets/%2e%2e%2f%2e%2e%2fsecret.txt`)).status).toBe(404);
    expect((await fetch(`${base}/assets/.hidden`)).status).toBe(404);
    expect((await fetch(`${base}/pipelines`)).status).toBe(418);
    expect((await fetch(`${base}/secret.txt`)).status).toBe(418);
    expect((await fetch(`${base}/`, { method: "POST" })).status).toBe(418);
  });

  it("resolves only plain file names directly under assets/", () => {
    expect(assetPath("/d", "/")).toBe(join("/d", "index.html"));
    expect(assetPath("/d", "/assets/app.js")).toBe(join("/d", "assets", "app.js"));
    expect(assetPath("/d", "/assets/sub/app.js")).toBeUndefined();
    expect(assetPath("/d", "/assets/..")).toBeUndefined();
    expect(assetPath("/d", "/assets/%E0%A4%A")).toBeUndefined();
    expect(assetPath("/d", "/index.js")).toBeUndefined();
  });

  it("says how to build the dashboard when it is missing", async () => {
    const missing = dashboardAssets({ dir: join(dir.path, "nowhere") });
    const probe = createServer((req, res) => {
      if (!missing(req, res)) res.writeHead(418).end();
    });
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/`;
    const response = await fetch(url);
    expect(response.status).toBe(503);
    expect(await response.text()).toMatch(/npm run build/);
    await new Promise((resolve) => probe.close(resolve));
  });
});
