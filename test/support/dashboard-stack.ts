// The real embedded stack for browser tests, in this process: the functions' handlers, the examples built,
// and the dashboard served at its API's address (the same as `npm start`, without a state directory).
import { type Stack, startStack } from "../../lib/local/stack";

/** Starts an ephemeral stack with examples/ uploaded and built; `stop()` it in afterAll. */
export function startDashboardStack(): Promise<Stack> {
  return startStack({
    ephemeral: true,
    uploadExamples: true,
    handlerLogLevel: "WARN",
    log: () => {},
    handlers: async () => (await import("../../functions/index")).handlers,
  });
}
