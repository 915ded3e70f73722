import type { Command } from "commander";
import { cliEndpoints } from "../context-option";
import { UsageError } from "../exit";
import { outputFormat } from "../output";

interface EventsOptions {
  output?: string;
  follow?: boolean;
  pattern?: string;
  after?: string;
}

/** `skiff events`: the local stack's bus, its recent events or (`--follow`) a stream that survives restarts. */
export function registerEventsCommand(program: Command): void {
  program
    .command("events")
    .description("print the events on the local stack's bus (recent ones; --follow streams new ones)")
    .option("--follow", "stream events as they are delivered (resuming where it left off after a restart)")
    .option("--after <eventId>", "with --follow: start with the kept events that came after this one")
    .option("--pattern <json>", "only events matching this EventBridge pattern")
    .option("-o, --output <format>", "output format: text or json (one event per line, as delivered)", "text")
    .action(async (options: EventsOptions) => {
      const format = outputFormat(options.output);
      if (options.after !== undefined && !options.follow) throw new UsageError("--after goes with --follow");
      const endpointsNow = await cliEndpoints();
      const eventsUrl = () => {
        const endpoints = endpointsNow();
        if (!endpoints.busUrl) {
          throw new UsageError(
            "events are streamed by the local stack; for AWS, subscribe with an EventBridge rule",
          );
        }
        const url = new URL(`${endpoints.busUrl.replace(/\/+$/, "")}/events`);
        if (options.pattern) url.searchParams.set("pattern", options.pattern);
        return url;
      };
      const show = (raw: string) => {
        if (format === "json") return process.stdout.write(`${raw}\n`);
        const event = JSON.parse(raw) as {
          time?: string;
          "detail-type"?: string;
          source?: string;
          detail?: unknown;
        };
        process.stdout.write(
          `${event.time ?? ""}  ${event.source ?? ""}  ${event["detail-type"] ?? ""}  ${JSON.stringify(event.detail)}\n`,
        );
      };
      const url = eventsUrl();
      if (!options.follow) {
        const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
        if (!response.ok)
          throw new Error(`the bus answered HTTP ${response.status}: ${await response.text()}`);
        for (const event of (await response.json()) as unknown[]) show(JSON.stringify(event));
        return;
      }
      const { followEvents } = await import("./event-stream");
      const stop = new AbortController();
      process.once("SIGINT", () => stop.abort());
      process.once("SIGTERM", () => stop.abort());
      await followEvents({
        url: () => {
          // The stack file may be rewritten by a restart, or missing for a moment: keep the last good URL.
          try {
            return eventsUrl();
          } catch {
            return url;
          }
        },
        show,
        note: (message) => process.stderr.write(`skiff: ${message}\n`),
        after: options.after,
        signal: stop.signal,
      });
    });
}
