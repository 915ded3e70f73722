// Serves the built dashboard (dist/dashboard): `GET /` is its page, `GET /assets/<file>` its scripts and styles.
// Used by the embedded stack's HTTP API and by `skiff dashboard`; everything else is the caller's to answer.
import { createReadStream, existsSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { projectRoot } from "../local/project";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

export interface DashboardAssetsOptions {
  /** The built dashboard. Default: `dist/dashboard` of the Skiff checkout or package this code runs from. */
  dir?: string;
}

/** Answers a request with the dashboard's files: true when it did, false when the path is not the dashboard's. */
export type AssetHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Where the page's files are under `dir` for a request path, or undefined when it is not one of them. */
export function assetPath(dir: string, pathname: string): string | undefined {
  if (pathname === "/" || pathname === "/index.html") return join(dir, "index.html");
  if (!pathname.startsWith("/assets/")) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(pathname.slice("/assets/".length));
  } catch {
    return undefined;
  }
  // Only plain file names directly under assets/: no separators, no dot-files, nothing that climbs out.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.includes("..")) return undefined;
  const root = resolve(dir, "assets");
  const file = resolve(root, name);
  return file.startsWith(root + sep) ? file : undefined;
}

function send(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end(`${message}\n`);
}

/** The handler for `GET`/`HEAD` of `/`, `/index.html` and `/assets/*` (404 for an asset that is not there). */
export function dashboardAssets(options: DashboardAssetsOptions = {}): AssetHandler {
  const dir = options.dir ?? join(projectRoot(), "dist", "dashboard");
  return (req, res) => {
    const method = (req.method ?? "GET").toUpperCase();
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    const isPage = pathname === "/" || pathname === "/index.html" || pathname.startsWith("/assets/");
    if (!isPage || (method !== "GET" && method !== "HEAD")) return false;
    const file = assetPath(dir, pathname);
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      if (pathname.startsWith("/assets/")) send(res, 404, "Not Found");
      else send(res, 503, `The dashboard is not built (${dir} is missing): run \`npm run build\`.`);
      return true;
    }
    const stat = statSync(file);
    const etag = `"${stat.size.toString(36)}-${Math.floor(stat.mtimeMs).toString(36)}"`;
    // Fixed names (app.js), so every load revalidates; an unchanged file costs a 304.
    const headers = {
      "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-cache",
      etag,
      "x-content-type-options": "nosniff",
    };
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, headers).end();
      return true;
    }
    res.writeHead(200, { ...headers, "content-length": String(stat.size) });
    if (method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
    return true;
  };
}
