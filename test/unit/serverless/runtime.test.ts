// Development and tests run on the Node.js major that production runs: serverless.yml's Lambda runtime.
// `npm install` brings that Node (the `node` package) and npm scripts run on it.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseCloudFormationYaml } from "../../../lib/local/serverless/cloudformation-yaml";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const serverless = readFileSync(`${root}/serverless.yml`, "utf8");
// The file has CloudFormation tags (!Ref, !GetAtt): read as the embedded stack reads it.
const config = parseCloudFormationYaml(serverless, "serverless.yml") as { provider: { runtime: string } };
const productionMajor = Number(/^nodejs(\d+)\.x$/.exec(config.provider.runtime)?.[1]);
const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8"));

describe("the runtime", () => {
  it("tests run on the Lambda runtime's Node.js major", () => {
    expect(productionMajor).toBeGreaterThanOrEqual(22);
    expect(Number(process.versions.node.split(".")[0])).toBe(productionMajor);
  });

  it("the project brings that Node, and npm scripts run on it", () => {
    expect(pkg.devDependencies.node.split(".")[0]).toBe(String(productionMajor));
    const version = execFileSync(`${root}/node_modules/.bin/node`, ["--version"], { encoding: "utf8" });
    expect(version.trim()).toBe(`v${pkg.devDependencies.node}`);
  });
});
