import { describe, expect, it } from "vitest";
import type { CronWorkflow } from "../../../lib/argo";
import {
  CronScheduleError,
  cronSchedules,
  parseCronSchedule,
  workflowFromCron,
} from "../../../lib/argo/cron";
import { ANNOTATION_SCHEDULED_TIME, LABEL_CRON_WORKFLOW } from "../../../lib/argo/labels";

const at = (iso: string) => new Date(iso);

describe("parseCronSchedule (robfig/cron's standard syntax, as Argo parses schedules)", () => {
  it("fires a five-field schedule in UTC by default", () => {
    const s = parseCronSchedule("30 2 * * *");
    expect(s.next(at("2026-03-01T00:00:00Z")).toISOString()).toBe("2026-03-01T02:30:00.000Z");
    expect(s.next(at("2026-03-01T02:30:00Z")).toISOString()).toBe("2026-03-02T02:30:00.000Z");
  });

  it("reads the schedule in the CronWorkflow's time zone, across a daylight-saving change", () => {
    const s = parseCronSchedule("30 2 * * *", "Europe/Paris");
    // Winter: Paris is UTC+1.
    expect(s.next(at("2026-01-10T00:00:00Z")).toISOString()).toBe("2026-01-10T01:30:00.000Z");
    // Summer: UTC+2.
    expect(s.next(at("2026-07-10T00:00:00Z")).toISOString()).toBe("2026-07-10T00:30:00.000Z");
  });

  it("lets a CRON_TZ= prefix override the time zone", () => {
    const s = parseCronSchedule("CRON_TZ=America/New_York 0 9 * * 1-5", "Europe/Paris");
    // Monday 2026-03-02, New York is UTC-5 before its DST change.
    expect(s.next(at("2026-03-02T00:00:00Z")).toISOString()).toBe("2026-03-02T14:00:00.000Z");
  });

  it("knows the descriptors and @every with Go durations", () => {
    expect(parseCronSchedule("@hourly").next(at("2026-03-01T10:15:00Z")).toISOString()).toBe(
      "2026-03-01T11:00:00.000Z",
    );
    expect(parseCronSchedule("@daily").next(at("2026-03-01T10:15:00Z")).toISOString()).toBe(
      "2026-03-02T00:00:00.000Z",
    );
    const every = parseCronSchedule("@every 1h30m");
    expect(every.next(at("2026-03-01T10:15:00.400Z")).toISOString()).toBe("2026-03-01T11:45:00.000Z");
    expect(every.latestBetween(at("2026-03-01T10:00:00Z"), at("2026-03-01T14:00:00Z"))?.toISOString()).toBe(
      "2026-03-01T13:00:00.000Z",
    );
    expect(every.latestBetween(at("2026-03-01T10:00:00Z"), at("2026-03-01T11:00:00Z"))).toBeUndefined();
  });

  it("finds the latest firing in (after, upTo], counting upTo itself", () => {
    const s = parseCronSchedule("*/15 * * * *");
    expect(s.latestBetween(at("2026-03-01T10:00:00Z"), at("2026-03-01T10:44:59Z"))?.toISOString()).toBe(
      "2026-03-01T10:30:00.000Z",
    );
    expect(s.latestBetween(at("2026-03-01T10:00:00Z"), at("2026-03-01T10:45:00Z"))?.toISOString()).toBe(
      "2026-03-01T10:45:00.000Z",
    );
    expect(s.latestBetween(at("2026-03-01T10:00:00Z"), at("2026-03-01T10:14:00Z"))).toBeUndefined();
  });

  it("refuses what robfig's standard parser refuses, naming the schedule", () => {
    expect(() => parseCronSchedule("0 30 2 * * *")).toThrow(/0 30 2 \* \* \*: expected 5 fields/);
    expect(() => parseCronSchedule("61 * * * *")).toThrow(CronScheduleError);
    expect(() => parseCronSchedule("@fortnightly")).toThrow(/unknown descriptor/);
    expect(() => parseCronSchedule("@every soon")).toThrow(/@every needs a duration/);
    expect(() => parseCronSchedule("0 * * * *", "Mars/Olympus")).toThrow(
      /Mars\/Olympus.*not a known time zone/,
    );
  });
});

const cron: CronWorkflow = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "CronWorkflow",
  metadata: { name: "nightly", labels: { team: "data" } },
  spec: {
    schedules: ["0 1 * * *", "0 13 * * *"],
    timezone: "UTC",
    workflowMetadata: { labels: { kind: "report" }, annotations: { owner: "me" } },
    workflowSpec: { entrypoint: "main", templates: [{ name: "main", container: { image: "busybox" } }] },
  },
};

describe("a CronWorkflow's firings", () => {
  it("parses every schedule", () => {
    expect(cronSchedules(cron).map((s) => s.expression)).toEqual(["0 1 * * *", "0 13 * * *"]);
    expect(() => cronSchedules({ ...cron, spec: { ...cron.spec, schedules: [] } })).toThrow(/no schedules/);
  });

  it("submits a Workflow with the workflowMetadata, the cron-workflow label and the scheduled-time annotation", () => {
    const wf = workflowFromCron(cron, at("2026-03-01T13:00:00Z"));
    expect(wf.kind).toBe("Workflow");
    expect(wf.metadata.generateName).toBe("nightly-");
    expect(wf.metadata.labels).toEqual({ kind: "report", [LABEL_CRON_WORKFLOW]: "nightly" });
    expect(wf.metadata.annotations).toEqual({
      owner: "me",
      [ANNOTATION_SCHEDULED_TIME]: "2026-03-01T13:00:00Z",
    });
    expect(wf.spec).toEqual(cron.spec.workflowSpec);
    expect(wf.spec).not.toBe(cron.spec.workflowSpec);
  });
});
