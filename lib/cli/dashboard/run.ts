import { spawn } from "node:child_process";
import { resolveContext } from "../../client/contexts";
import { dashboardAssets } from "../../dashboard/assets";
import { pickedContext } from "../context-option";
import { UsageError } from "../exit";
import { startDashboardServer } from "./server";

export interface DashboardOptions {
  /** Default: 7710. */
  port?: string;
  /** Open the page in the default browser. Default: no. */
  open?: boolean;
}

/** Runs `skiff dashboard` until SIGINT/SIGTERM: prints the page's URL first, then serves. */
export async function runDashboard(options: DashboardOptions): Promise<void> {
  const port = Number(options.port ?? "7710");
  if (!/^\d+$/.test(options.port ?? "7710") || port > 65535) {
    throw new UsageError(`--port expects a port number from 0 to 65535, got "${options.port}"`);
  }
  const { name, endpoints } = resolveContext({ context: pickedContext() });
  const server = await startDashboardServer({ endpoints, assets: dashboardAssets(), port });
  const how = endpoints.local
    ? "the embedded stack, unsigned"
    : `signed with ${endpoints.awsProfile ? `AWS profile ${endpoints.awsProfile}` : "the AWS SDK's default credentials"}`;
  process.stdout.write(`${server.url}\n`);
  process.stderr.write(`skiff dashboard: context ${name} (${endpoints.apiUrl}, ${how}); Ctrl-C stops it\n`);
  if (options.open) openBrowser(server.url);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await server.close();
}

/** Best effort: the platform's opener, detached; the URL is printed either way. */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["cmd", ["/c", "start", "", url]]
        : ["xdg-open", [url]];
  const child = spawn(command, args, { detached: true, stdio: "ignore" });
  child.on("error", () => process.stderr.write(`skiff dashboard: could not open a browser; open ${url}\n`));
  child.unref();
}
