import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, serviceAccounts } from "../../../lib/config";

const base = { SKIFF_BUCKET: "skiff-dev-pipelines", SKIFF_TABLE: "skiff-dev" };

describe("the service account allow-list", () => {
  it("allows only the default account unless the deployment says otherwise", () => {
    expect(serviceAccounts({})).toEqual({ allowed: ["default"], notifier: "skiff-notifier" });
    expect(
      loadConfig({
        ...base,
        SKIFF_SERVICE_ACCOUNTS: " default, trainer ,etl.batch",
        SKIFF_NOTIFIER_SERVICE_ACCOUNT: "events-notifier",
      }).serviceAccounts,
    ).toEqual({ allowed: ["default", "trainer", "etl.batch"], notifier: "events-notifier" });
    // Empty: a spec may name no account at all (its pods run as the namespace's default).
    expect(serviceAccounts({ SKIFF_SERVICE_ACCOUNTS: "" }).allowed).toEqual([]);
  });

  it("refuses an allow-list holding the notifier's account, or names that are not Kubernetes names", () => {
    expect(() => serviceAccounts({ SKIFF_SERVICE_ACCOUNTS: "default,skiff-notifier" })).toThrow(
      new ConfigError(
        "SKIFF_SERVICE_ACCOUNTS: skiff-notifier is the exit notifier's service account (SKIFF_NOTIFIER_SERVICE_ACCOUNT); specs may never run as it",
      ),
    );
    expect(() =>
      serviceAccounts({ SKIFF_SERVICE_ACCOUNTS: "ops", SKIFF_NOTIFIER_SERVICE_ACCOUNT: "ops" }),
    ).toThrow(/ops is the exit notifier's service account/);
    expect(() => serviceAccounts({ SKIFF_SERVICE_ACCOUNTS: "default,Admin,{{x}}" })).toThrow(
      new ConfigError("SKIFF_SERVICE_ACCOUNTS: Admin, {{x}}: not a Kubernetes service account name"),
    );
    expect(() => loadConfig({ ...base, SKIFF_NOTIFIER_SERVICE_ACCOUNT: "no_underscores" })).toThrow(
      "SKIFF_NOTIFIER_SERVICE_ACCOUNT: no_underscores: not a Kubernetes service account name",
    );
  });
});
