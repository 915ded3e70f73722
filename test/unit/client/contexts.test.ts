import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ContextStore, configDir, resolveContext } from "../../../lib/client/contexts";
import { ContextError } from "../../../lib/client/errors";
import { SkiffClient } from "../../../lib/client/skiff-client";
import { tempDir } from "../../support/temp-dir";

const temp = tempDir("contexts");
afterAll(() => temp.remove());

let n = 0;
/** A fresh XDG config home, and a project directory with a running-stack file in it. */
function setup() {
  const root = join(temp.path, String(n++));
  const xdg = join(root, "xdg");
  const project = join(root, "project");
  mkdirSync(join(project, ".skiff"), { recursive: true });
  writeFileSync(join(project, ".skiff/stack.json"), JSON.stringify({ apiUrl: "http://127.0.0.1:7700" }));
  const env = { XDG_CONFIG_HOME: xdg };
  return { env, project, store: new ContextStore(configDir(env)), file: join(xdg, "skiff", "contexts.json") };
}

const dev = {
  apiUrl: "https://abc.execute-api.eu-west-1.amazonaws.com",
  bucket: "dev-pipelines",
  awsProfile: "dev",
};

describe("contexts", () => {
  it("live under XDG_CONFIG_HOME/skiff, else ~/.config/skiff", () => {
    expect(configDir({ XDG_CONFIG_HOME: "/x/config" })).toBe("/x/config/skiff");
    expect(configDir({ HOME: "/home/u" })).toBe("/home/u/.config/skiff");
  });

  it("saves, lists, uses and removes contexts, with the file readable by its owner only", () => {
    const { env, project, store, file } = setup();
    store.add("dev", dev);
    store.add("prod", { apiUrl: "https://xyz.execute-api.us-east-1.amazonaws.com", region: "us-east-1" });
    expect(Object.keys(store.read().contexts)).toEqual(["dev", "prod"]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // Until one is chosen, the embedded stack is the context.
    expect(resolveContext({ env, cwd: project })).toMatchObject({
      name: "local",
      endpoints: { apiUrl: "http://127.0.0.1:7700", local: true },
    });
    store.use("dev");
    expect(resolveContext({ env, cwd: project })).toEqual({
      name: "dev",
      endpoints: expect.objectContaining({
        apiUrl: dev.apiUrl,
        bucket: "dev-pipelines",
        awsProfile: "dev",
        region: "eu-west-1",
        local: false,
      }),
    });
    store.remove("dev");
    expect(store.read().current).toBeUndefined();
    expect(resolveContext({ env, cwd: project }).name).toBe("local");
  });

  it("picks the named context, then SKIFF_CONTEXT, then SKIFF_API_URL, then the current one", () => {
    const { env, project, store } = setup();
    store.add("dev", dev);
    store.add("prod", { apiUrl: "https://xyz.execute-api.us-east-1.amazonaws.com" });
    store.use("prod");
    const url = { SKIFF_API_URL: "https://env.execute-api.eu-central-1.amazonaws.com" };
    expect(resolveContext({ env, cwd: project }).name).toBe("prod");
    expect(resolveContext({ env: { ...env, ...url }, cwd: project }).name).toBe("env");
    expect(resolveContext({ env: { ...env, ...url, SKIFF_CONTEXT: "dev" }, cwd: project }).name).toBe("dev");
    expect(
      resolveContext({ context: "local", env: { ...env, SKIFF_CONTEXT: "dev" }, cwd: project }).name,
    ).toBe("local");
    // The client takes the same choice.
    expect(new SkiffClient({ context: "dev", env, cwd: project }).context.endpoints.apiUrl).toBe(dev.apiUrl);
  });

  it("names the missing context and how to add it, for the CLI and the client alike", () => {
    const { env, project, store } = setup();
    store.add("dev", dev);
    expect(() => resolveContext({ context: "staging", env, cwd: project })).toThrow(ContextError);
    expect(() => new SkiffClient({ env: { ...env, SKIFF_CONTEXT: "staging" }, cwd: project })).toThrow(
      /context "staging" does not exist \(known: local, dev\); add it with skiff context add staging/,
    );
    expect(() => store.use("staging")).toThrow(ContextError);
    expect(() => store.remove("staging")).toThrow(/does not exist/);
  });

  it("refuses bad names, bad URLs, the name local, and fields it does not know (so no credentials)", () => {
    const { store, file } = setup();
    expect(() => store.add("Dev Stage", dev)).toThrow(/not a context name/);
    expect(() => store.add("local", dev)).toThrow(/embedded stack/);
    expect(() => store.add("dev", { ...dev, apiUrl: "ftp://x" })).toThrow(/apiUrl/);
    expect(() => store.add("dev", { ...dev, region: "Europe" })).toThrow(/region/);
    expect(() =>
      store.add("dev", { ...dev, secretAccessKey: "x" } as unknown as Parameters<ContextStore["add"]>[1]),
    ).toThrow(ContextError);
    store.add("dev", dev);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ contexts: { dev } });
  });

  it("says which file is broken and what to do", () => {
    const { env, project, store, file } = setup();
    store.add("dev", dev);
    writeFileSync(file, "{ not json");
    expect(() => resolveContext({ env, cwd: project })).toThrow(
      /contexts\.json is not valid JSON; fix or delete it/,
    );
    writeFileSync(file, JSON.stringify({ contexts: { dev: { apiUrl: 42 } } }));
    expect(() => store.read()).toThrow(/contexts\.dev\.apiUrl/);
  });

  it("has no local context without a running stack", () => {
    const { env, store } = setup();
    const elsewhere = join(temp.path, "nowhere");
    mkdirSync(elsewhere, { recursive: true });
    expect(() => resolveContext({ env, cwd: elsewhere })).toThrow(/npx skiff start/);
    expect(() => store.use("local", elsewhere)).toThrow(/npx skiff start/);
  });
});
