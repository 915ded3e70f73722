import { container, DslError, dag, ex, item, itemField, param, steps, workflow } from "skiff";
import { describe, expect, it } from "vitest";
import type { Workflow } from "../../../lib/argo";

const build = container({
  name: "build",
  image: "alpine",
  inputs: { os: param(), arch: param("amd64") },
  command: ["echo", "{{inputs.parameters.os}}/{{inputs.parameters.arch}}"],
});
const platforms = [
  { os: "linux", arch: "arm64" },
  { os: "darwin", arch: "arm64" },
] as const;

describe("itemField checked against literal withItems", () => {
  it("renders item fields of literal items", () => {
    const main = dag("main", (d) => {
      d.task("build", build, {
        withItems: platforms,
        args: { os: itemField("os"), arch: itemField("arch") },
      });
      d.task("scalars", build, { withItems: ["linux", "windows"], args: { os: item } });
    });
    const tasks = (workflow({ generateName: "i-", entrypoint: main }).toSpec() as Workflow).spec
      .templates?.[0].dag?.tasks;
    expect(tasks?.[0]).toMatchObject({
      withItems: [
        { os: "linux", arch: "arm64" },
        { os: "darwin", arch: "arm64" },
      ],
      arguments: {
        parameters: [
          { name: "os", value: "{{item.os}}" },
          { name: "arch", value: "{{item.arch}}" },
        ],
      },
    });
  });

  it("a key no literal item has does not compile", () => {
    expect(() =>
      dag("main", (d) => {
        // @ts-expect-error: the items have no field "osx".
        d.task("build", build, { withItems: platforms, args: { os: itemField("osx") } });
      }),
    ).toThrow(/uses \{\{item\.osx\}\}, but 2 of its 2 items have no field "osx"/);
    expect(() =>
      steps("main", (s) => {
        // @ts-expect-error: scalar items have no fields at all.
        s.step("build", build, { withItems: [1, 2], args: { os: itemField("os") } });
      }),
    ).toThrow(/withItems\[0\] is 1; withItems\[1\] is 2/);
  });

  it("a key only some items have fails the build at the task's file:line:col", () => {
    const mixed = [{ os: "linux" }, { os: "darwin", arch: "arm64" }];
    let error: unknown;
    try {
      dag("main", (d) => {
        d.task("build", build, { withItems: mixed, args: { os: itemField("os"), arch: itemField("arch") } });
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DslError);
    expect((error as DslError).message).toMatch(
      /task "build" uses \{\{item\.arch\}\}, but 1 of its 2 items has no field "arch" \(withItems\[0\] is \{os\}\)/,
    );
    expect((error as DslError).site?.file).toMatch(/items\.test\.ts$/);
    expect((error as DslError).site?.line).toBeGreaterThan(0);
  });

  it("checks item fields in when and in expressions too, and leaves withParam items alone", () => {
    expect(() =>
      dag("main", (d) => {
        d.task("build", build, {
          withItems: platforms,
          args: { os: itemField("os") },
          when: ex(itemField("abi")).eq("gnu"),
        });
      }),
    ).toThrow(/no field "abi"/);
    expect(() =>
      dag("main", (d) => {
        d.task("build", build, { withItems: platforms, args: { os: "{{=item['o-s']}}" } });
      }),
    ).toThrow(/no field "o-s"/);
    expect(() =>
      dag("main", (d) => {
        d.task("build", build, { withParam: '[{"a": 1}]', args: { os: itemField("anything") } });
      }),
    ).not.toThrow();
  });
});
