import type { Command } from "commander";
import type { DashboardOptions } from "../dashboard/run";

/** `skiff dashboard`: the web dashboard on 127.0.0.1, its API calls forwarded to the picked context (signed). */
export function registerDashboardCommand(program: Command): void {
  program
    .command("dashboard")
    .description(
      "serve the web dashboard on 127.0.0.1, forwarding its API calls to the stage of the context (--context NAME), SigV4-signed with your AWS credentials",
    )
    .option("--port <port>", "port on 127.0.0.1 (0: any free port)", "7710")
    .option("--open", "open the dashboard in the default browser")
    .action(async (options: DashboardOptions) => {
      await (await import("../dashboard/run")).runDashboard(options);
    });
}
