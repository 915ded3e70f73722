import { describe, expect, it } from "vitest";
import { noStatusTimeoutMs } from "../../../lib/config";
import { InvalidWatcherEventError, parseWatcherEvent } from "../../../lib/runs/watcher-handler";

const statusEvent = {
  version: "0",
  id: "1",
  "detail-type": "Workflow Status Change",
  source: "skiff.engine",
  account: "000000000000",
  time: "2026-01-01T00:00:05Z",
  region: "us-east-1",
  resources: [],
  detail: { runId: "r1", namespace: "default", workflowName: "wf" },
};

describe("parseWatcherEvent", () => {
  it("accepts the engine trigger and the schedule", () => {
    expect(parseWatcherEvent(statusEvent).source).toBe("skiff.engine");
    expect(
      parseWatcherEvent({
        ...statusEvent,
        source: "aws.events",
        "detail-type": "Scheduled Event",
        detail: {},
      }).source,
    ).toBe("aws.events");
  });

  it("names what is wrong in a malformed trigger", () => {
    const bad = { ...statusEvent, detail: { runId: "", namespace: "default" } };
    const error = (() => {
      try {
        parseWatcherEvent(bad);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidWatcherEventError);
    const fields = (error as InvalidWatcherEventError).issues.map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(["detail.runId", "detail.workflowName"]));
    expect(() => parseWatcherEvent("hello")).toThrow(/got something else/);
  });
});

describe("noStatusTimeoutMs", () => {
  it("defaults to 5 minutes and refuses nonsense", () => {
    expect(noStatusTimeoutMs({})).toBe(300_000);
    expect(noStatusTimeoutMs({ SKIFF_NO_STATUS_TIMEOUT_SECONDS: "30" })).toBe(30_000);
    expect(() => noStatusTimeoutMs({ SKIFF_NO_STATUS_TIMEOUT_SECONDS: "soon" })).toThrow(
      /SKIFF_NO_STATUS_TIMEOUT_SECONDS must be a positive number/,
    );
  });
});
