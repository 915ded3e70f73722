import { describe, expect, it } from "vitest";
import type { Template, Workflow } from "../../../lib/argo";
import { archivesLogs } from "../../../lib/argo/archive-logs";
import { ttlSecondsOf } from "../../../lib/argo/ttl";

const wf = (spec: Partial<Workflow["spec"]>, phase?: string): Workflow => ({
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Workflow",
  metadata: { name: "w" },
  spec: { entrypoint: "main", ...spec },
  ...(phase ? { status: { phase } } : {}),
});
const tmpl = (archiveLogs?: boolean): Template => ({
  name: "main",
  container: { image: "alpine" },
  ...(archiveLogs === undefined ? {} : { archiveLocation: { archiveLogs } }),
});

describe("archivesLogs (Argo's IsArchiveLogs: controller on > template > workflow > controller off)", () => {
  it("follows the repository when it archives, whatever the workflow and template say", () => {
    expect(archivesLogs(wf({ archiveLogs: false }), tmpl(false), true)).toBe(true);
  });
  it("otherwise takes the template's setting over the workflow's", () => {
    expect(archivesLogs(wf({}), tmpl())).toBe(false);
    expect(archivesLogs(wf({ archiveLogs: true }), tmpl())).toBe(true);
    expect(archivesLogs(wf({ archiveLogs: true }), tmpl(false))).toBe(false);
    expect(archivesLogs(wf({ archiveLogs: false }), tmpl(true))).toBe(true);
  });
});

describe("ttlSecondsOf", () => {
  it("takes the phase's own setting, else secondsAfterCompletion; none without a ttlStrategy", () => {
    const ttl = { secondsAfterCompletion: 10, secondsAfterSuccess: 5, secondsAfterFailure: 20 };
    expect(ttlSecondsOf(wf({ ttlStrategy: ttl }, "Succeeded"))).toBe(5);
    expect(ttlSecondsOf(wf({ ttlStrategy: ttl }, "Failed"))).toBe(20);
    expect(ttlSecondsOf(wf({ ttlStrategy: { secondsAfterCompletion: 10 } }, "Error"))).toBe(10);
    expect(ttlSecondsOf(wf({}, "Succeeded"))).toBeUndefined();
  });
});
