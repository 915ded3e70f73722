// Every Lambda handler by its serverless.yml function name: the embedded stack invokes these in-process.
import type { Handler } from "aws-lambda";
import { handler as api } from "./api";
import { handler as build } from "./build";
import { handler as schedules } from "./schedules";
import { handler as watcher } from "./watcher";

export const handlers: Record<"build" | "api" | "watcher" | "schedules", Handler> = {
  build: (event) => build(event),
  api: (event, context) => api(event, context),
  watcher: (event) => watcher(event),
  schedules: (event) => schedules(event),
};
