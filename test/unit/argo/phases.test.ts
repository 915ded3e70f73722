import { describe, expect, it } from "vitest";
import { isCompleted, isFulfilled, isSuccessful, type NodePhase } from "../../../lib/argo/phases";

const PHASES: NodePhase[] = ["Pending", "Running", "Succeeded", "Skipped", "Failed", "Error", "Omitted"];
const which = (predicate: (node: { phase: string; daemoned?: boolean }) => boolean, daemoned?: boolean) =>
  PHASES.filter((phase) => predicate({ phase, daemoned }));

describe("node phase predicates (Argo's NodeStatus methods)", () => {
  it("fulfilled: completed, skipped or omitted", () => {
    expect(which(isFulfilled)).toEqual(["Succeeded", "Skipped", "Failed", "Error", "Omitted"]);
  });
  it("completed: succeeded, failed or errored", () => {
    expect(which(isCompleted)).toEqual(["Succeeded", "Failed", "Error"]);
  });
  it("successful: succeeded or skipped", () => {
    expect(which(isSuccessful)).toEqual(["Succeeded", "Skipped"]);
  });
  it("a daemon (daemoned: true) counts as fulfilled, completed and successful once past Pending", () => {
    const up = PHASES.filter((phase) => phase !== "Pending");
    expect(which(isFulfilled, true)).toEqual(up);
    expect(which(isCompleted, true)).toEqual(up);
    expect(which(isSuccessful, true)).toEqual(up);
  });
  it("an absent node is none of them", () => {
    expect([isFulfilled(undefined), isCompleted(undefined), isSuccessful(undefined)]).toEqual([
      false,
      false,
      false,
    ]);
  });
});
