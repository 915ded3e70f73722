import { afterAll, describe, expect, it } from "vitest";
import { LocalEngine } from "../../../lib/engine/local";
import { nodeNamed, runInline } from "./run-inline";

// Argo runs a container's command inside its image, so users call the image's programs by the paths the image
// keeps them at: argoproj/argosay's ENTRYPOINT is /argosay (Argo's own e2e workflows run `command: [/argosay]` and
// `sh -c "/argosay echo … $ARGO_PROGRESS_FILE"`, test/e2e/testdata/progress-workflow.yaml), the python images'
// interpreter is /usr/local/bin/python, busybox's /bin/busybox runs its applets. The local engine maps each such path to the program standing for it, as
// argv[0] and inside a shell command line; an image path absent here is looked up by name on the host.

const engine = new LocalEngine({ concurrency: 4, cleanWorkDirs: true });
afterAll(() => engine.close());

async function logsOf(name: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of engine.logs({ namespace: "default", name })) lines.push(line.text);
  return lines;
}

describe("image entrypoint paths as users call them", () => {
  it("runs /argosay as a command, inside sh -c, and cowsay by its image path", async () => {
    const wf = await runInline(
      engine,
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: argosay-paths-}
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - {name: direct, template: direct}
        - - {name: shell, template: shell}
    - name: direct
      container:
        image: argoproj/argosay:v2
        command: [/argosay]
        args: [echo, direct]
    - name: shell
      container:
        image: argoproj/argosay:v2
        command: [/bin/sh, -c]
        args: ["/argosay echo 50/100 $ARGO_PROGRESS_FILE && /argosay echo shell && /usr/local/bin/cowsay moo | grep -c moo"]
`,
    );
    expect(wf.status?.phase).toBe("Succeeded");
    expect(await logsOf(wf.metadata.name ?? "")).toEqual(["direct", "shell", "1"]);
    expect(nodeNamed(wf, "[1].shell").progress).toBe("100/100");
  });

  it("runs the python image's /usr/local/bin/python, busybox's applets, a host program by its image path", async () => {
    const wf = await runInline(
      engine,
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: python-paths-}
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - {name: python, template: python}
          - {name: python3, template: python3}
          - {name: busybox, template: busybox}
    - name: python
      container:
        image: python:3.12
        command: [/usr/local/bin/python, -c, "print('py')"]
    - name: python3
      container:
        image: python:3.12
        command: [/usr/local/bin/python3, -c, "print('py3')"]
    - name: busybox
      container:
        image: busybox
        command: [/bin/busybox, sh, -c, "/bin/busybox echo bb"]
`,
    );
    expect(wf.status?.phase).toBe("Succeeded");
    expect((await logsOf(wf.metadata.name ?? "")).sort()).toEqual(["bb", "py", "py3"]);
  });
});
