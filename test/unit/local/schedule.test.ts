import { describe, expect, it } from "vitest";
import { nextFire, ScheduleError, scheduledEvent } from "../../../lib/local/schedule";

const from = new Date("2026-03-04T10:15:30Z"); // a Wednesday

describe("nextFire", () => {
  it("adds rate intervals", () => {
    expect(nextFire("rate(1 minute)", from).toISOString()).toBe("2026-03-04T10:16:30.000Z");
    expect(nextFire("rate(5 minutes)", from).toISOString()).toBe("2026-03-04T10:20:30.000Z");
    expect(nextFire("rate(2 hours)", from).toISOString()).toBe("2026-03-04T12:15:30.000Z");
    expect(nextFire("rate(1 day)", from).toISOString()).toBe("2026-03-05T10:15:30.000Z");
  });

  it("insists on EventBridge's singular/plural units", () => {
    expect(() => nextFire("rate(1 minutes)", from)).toThrow(ScheduleError);
    expect(() => nextFire("rate(5 minute)", from)).toThrow(/singular/);
  });

  it("reads AWS's six-field cron in UTC", () => {
    expect(nextFire("cron(0 12 * * ? *)", from).toISOString()).toBe("2026-03-04T12:00:00.000Z");
    expect(nextFire("cron(0/15 * * * ? *)", from).toISOString()).toBe("2026-03-04T10:30:00.000Z");
    expect(nextFire("cron(0 8 1 * ? *)", from).toISOString()).toBe("2026-04-01T08:00:00.000Z");
  });

  it("numbers days of the week from Sunday = 1, as AWS does", () => {
    // 2 = Monday in AWS's numbering.
    expect(nextFire("cron(0 9 ? * 2 *)", from).toISOString()).toBe("2026-03-09T09:00:00.000Z");
    expect(nextFire("cron(0 9 ? * MON-FRI *)", from).toISOString()).toBe("2026-03-05T09:00:00.000Z");
  });

  it("honours the year field", () => {
    expect(nextFire("cron(0 0 1 1 ? 2028)", from).toISOString()).toBe("2028-01-01T00:00:00.000Z");
  });

  it("rejects other expressions with the expression in the message", () => {
    expect(() => nextFire("every minute", from)).toThrow(/every minute/);
    expect(() => nextFire("cron(0 12 * * ?)", from)).toThrow(/6 fields/);
  });
});

describe("scheduledEvent", () => {
  it("has EventBridge's scheduled-event shape", () => {
    expect(scheduledEvent("sweep", from, "eu-west-1")).toMatchObject({
      version: "0",
      source: "aws.events",
      "detail-type": "Scheduled Event",
      time: "2026-03-04T10:15:30Z",
      region: "eu-west-1",
      resources: ["arn:aws:events:eu-west-1:000000000000:rule/sweep"],
      detail: {},
    });
  });
});
