// The dashboard's views by URL (hash routing, router.ts). A view is added here and nowhere else: one line with
// its pattern, its title and the component that draws it from the path's params and the query.
import type { VNode } from "preact";
import { NotFound } from "./views/not-found";
import { PipelineView } from "./views/pipeline";
import { PipelinesView } from "./views/pipelines";

export interface RouteProps {
  /** The pattern's `:name` segments, decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface Route {
  /** `/pipelines/:name`: literal segments and `:param` segments. */
  pattern: string;
  /** The nav entry this route belongs to (highlighted while it shows). */
  section: "pipelines" | "runs";
  view: (props: RouteProps) => VNode;
}

export const routes: Route[] = [
  { pattern: "/pipelines", section: "pipelines", view: PipelinesView },
  { pattern: "/pipelines/:name", section: "pipelines", view: PipelineView },
  { pattern: "/pipelines/:name/:version", section: "pipelines", view: PipelineView },
  { pattern: "/runs", section: "runs", view: () => <NotFound what="the Runs view" /> },
  { pattern: "/runs/:runId", section: "runs", view: () => <NotFound what="the Run view" /> },
  { pattern: "/runs/:runId/steps/:stepId", section: "runs", view: () => <NotFound what="the Run view" /> },
];
