import { container, dag, itemField, param, workflow } from "skiff";
import { describe, expect, it } from "vitest";
import { lintSpec } from "../../../../lib/compiler";
import { parseYaml } from "../../../support/yaml";

const handWritten = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: items- }
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - name: ok
            template: echo
            arguments: { parameters: [{ name: text, value: "{{item.os}}" }] }
            withItems: [{ os: linux }, { os: darwin }]
          - name: scalar
            template: echo
            arguments: { parameters: [{ name: text, value: "{{item}}" }] }
            withItems: [linux, darwin]
        - - name: lacking
            template: echo
            arguments: { parameters: [{ name: text, value: "{{item.os}}-{{=item['arch']}}" }] }
            withItems: [{ os: linux, arch: arm64 }, { os: darwin }]
    - name: echo
      inputs: { parameters: [{ name: text }] }
      container: { image: alpine, command: [echo, "{{inputs.parameters.text}}"] }
`;

describe("lint: item fields against literal withItems", () => {
  it("reports a field some items lack, at the step's spec path", () => {
    const diagnostics = lintSpec(parseYaml(handWritten)).filter((d) => d.code === "item.field");
    expect(diagnostics).toEqual([
      expect.objectContaining({
        path: "spec.templates[0].steps[1][0]",
        message: expect.stringContaining(
          'step "lacking" uses {{item.arch}}, but 1 of its 2 items has no field "arch" (withItems[1] is {os})',
        ),
      }),
    ]);
  });

  it("places the diagnostic at the task's file:line:col when the DSL's own check was bypassed", () => {
    const echo = container({ name: "echo", image: "alpine", inputs: { text: param() } });
    const main = dag("main", (d) => {
      // Items given through the escape hatch are not seen by the DSL; the linter still checks them.
      d.task("each", echo, {
        args: { text: itemField("os") },
        extra: { withItems: [{ os: "linux" }, { name: "x" }] },
      });
    });
    const wf = workflow({ generateName: "bypass-", entrypoint: main });
    const [diagnostic] = lintSpec(wf.toSpec(), wf.sites()).filter((d) => d.code === "item.field");
    expect(diagnostic?.message).toMatch(
      /task "each" uses \{\{item\.os\}\}, but 1 of its 2 items has no field "os"/,
    );
    expect(diagnostic?.file).toMatch(/item-fields\.test\.ts$/);
    expect(diagnostic?.line).toBeGreaterThan(0);
  });
});
