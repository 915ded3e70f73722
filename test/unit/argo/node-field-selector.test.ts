import { describe, expect, it } from "vitest";
import type { NodeStatus } from "../../../lib/argo";
import { selectNodes } from "../../../lib/argo/node-field-selector";
import { WorkflowRejectedError } from "../../../lib/ports/engine-errors";

const plain: NodeStatus = {
  id: "wf-1",
  name: "wf[0].approve",
  displayName: "approve",
  type: "Suspend",
  templateName: "approve",
  phase: "Running",
  inputs: { parameters: [{ name: "who", value: "ops" }] },
};
const referenced: NodeStatus = {
  id: "wf-2",
  name: "wf[0].gate",
  displayName: "gate",
  type: "Suspend",
  templateRef: { name: "library", template: "gate" },
  phase: "Running",
};
const nodes = [plain, referenced];
const names = (selector?: string) => selectNodes(nodes, selector).map((node) => node.displayName);

describe("selectNodes (Argo's --node-field-selector)", () => {
  it("selects every node when the selector is empty", () => {
    expect(names()).toEqual(["approve", "gate"]);
    expect(names(" ")).toEqual(["approve", "gate"]);
  });
  it("matches =, == and != on node fields and input parameters", () => {
    expect(names("displayName=approve")).toEqual(["approve"]);
    expect(names("displayName==gate")).toEqual(["gate"]);
    expect(names("phase=Running,displayName!=approve")).toEqual(["gate"]);
    expect(names("inputs.parameters.who.value=ops")).toEqual(["approve"]);
  });
  it("reads templateRef fields, empty on a node without a templateRef", () => {
    expect(names("templateRef.name=library")).toEqual(["gate"]);
    expect(names("templateRef.template=gate")).toEqual(["gate"]);
    expect(names("templateRef.name=")).toEqual(["approve"]);
  });
  it("reads templateName from the templateRef when there is one, as Argo's GetTemplateFromNode", () => {
    expect(names("templateName=gate")).toEqual(["gate"]);
  });
  it.each(["displayName", "displayName=approve,oops", "=x"])(
    "refuses the malformed selector %j",
    (selector) => {
      expect(() => names(selector)).toThrow(WorkflowRejectedError);
    },
  );
  it("refuses a field Argo's selector has no value for", () => {
    expect(() => names("color=red")).toThrow(/unsupported field "color"/);
  });
});
