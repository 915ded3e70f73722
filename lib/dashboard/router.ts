// Hash routing: the page is always `/`, so its URLs never collide with the API's paths, and the browser's
// history (back button, deep links) works without a server-side fallback.
import { signal } from "@preact/signals";
import { queryString } from "./query";

/** Where the dashboard is: `#/pipelines/etl?x=1` → path `/pipelines/etl`, query `x=1`. */
export interface Location {
  path: string;
  query: URLSearchParams;
}

/** Parses a location hash (`#/runs?pipeline=etl`); an empty one is `/`. */
export function parseHash(hash: string): Location {
  const raw = hash.replace(/^#/, "");
  const mark = raw.indexOf("?");
  const path = (mark < 0 ? raw : raw.slice(0, mark)) || "/";
  return {
    path: path.startsWith("/") ? path : `/${path}`,
    query: new URLSearchParams(mark < 0 ? "" : raw.slice(mark + 1)),
  };
}

/** A link to a dashboard path, its segments encoded: `href("/pipelines", name)`. */
export function href(path: string, ...segments: string[]): string {
  return `#${path}${segments.map((s) => `/${encodeURIComponent(s)}`).join("")}`;
}

/** A link with a query (empty values dropped): `withQuery("#/runs", { pipeline: "etl" })`. */
export function withQuery(link: string, query: Record<string, string | undefined>): string {
  const text = queryString(query);
  return text ? `${link}?${text}` : link;
}

/**
 * Matches a path against a pattern with `:name` segments; the params are decoded. Undefined when it does not
 * match.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split("/").filter(Boolean);
  const got = path.split("/").filter(Boolean);
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(":")) {
      try {
        params[want[i].slice(1)] = decodeURIComponent(got[i]);
      } catch {
        return undefined;
      }
    } else if (want[i] !== got[i]) return undefined;
  }
  return params;
}

/** The current location; views re-render when it changes. */
export const location = signal<Location>(
  typeof window === "undefined" ? parseHash("") : parseHash(window.location.hash),
);

/** Keeps `location` in step with the address bar (links, back and forward buttons). */
export function startRouter(): void {
  window.addEventListener("hashchange", () => {
    location.value = parseHash(window.location.hash);
  });
}

/** Goes to a dashboard link (`#/runs/…`), adding a history entry. */
export function navigate(link: string): void {
  window.location.hash = link.replace(/^#/, "");
}
