// Every dashboard URL is made here, so that views link to each other without knowing the routes' spelling.
import { href, withQuery } from "./router";

/** Where `#/` (and an empty hash) leads. */
export const HOME_LINK = "#/pipelines";

export const pipelinesLink = (): string => "#/pipelines";

export const pipelineLink = (name: string, version?: string): string =>
  version ? href("/pipelines", name, version) : href("/pipelines", name);

export const runsLink = (query: Record<string, string | undefined> = {}): string =>
  withQuery("#/runs", query);

export const runLink = (runId: string): string => href("/runs", runId);

export const stepLink = (runId: string, stepId: string): string => href("/runs", runId, "steps", stepId);
