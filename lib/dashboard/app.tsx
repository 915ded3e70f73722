import { useEffect } from "preact/hooks";
import { HOME_LINK, pipelinesLink, runsLink } from "./links";
import { location, matchPath } from "./router";
import { type Route, routes } from "./routes";
import { NotFound } from "./views/not-found";

function findRoute(path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const route of routes) {
    const params = matchPath(route.pattern, path);
    if (params) return { route, params };
  }
  return undefined;
}

/** The page: the navigation bar and the view the URL names. */
export function App() {
  const { path, query } = location.value;
  const found = findRoute(path);
  // `#/` has no view of its own; replacing rather than pushing keeps the back button out of a loop.
  useEffect(() => {
    if (path === "/") window.location.replace(HOME_LINK);
  }, [path]);
  const section = found?.route.section;
  return (
    <>
      <header class="topbar">
        <a class="brand" href={HOME_LINK}>
          Skiff
        </a>
        <nav aria-label="Sections">
          <a href={pipelinesLink()} aria-current={section === "pipelines" ? "page" : undefined}>
            Pipelines
          </a>
          <a href={runsLink()} aria-current={section === "runs" ? "page" : undefined}>
            Runs
          </a>
        </nav>
      </header>
      <main id="main">
        {found ? (
          // A component (not a call), keyed by its pattern: each view keeps its own hooks and state.
          <found.route.view key={found.route.pattern} params={found.params} query={query} />
        ) : path === "/" ? null : (
          <NotFound />
        )}
      </main>
    </>
  );
}
