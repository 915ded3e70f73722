// Every Lambda handler by its serverless.yml function name: the embedded stack invokes these in-process.
import type { Handler } from "aws-lambda";
import { handler as build } from "./build";
import { handler as pipeline } from "./pipeline";
import { handler as watcher } from "./watcher";

export const handlers: Record<"build" | "pipeline" | "watcher", Handler> = {
  build: (event) => build(event),
  pipeline: (event, context) => pipeline(event, context),
  watcher: (event) => watcher(event),
};
