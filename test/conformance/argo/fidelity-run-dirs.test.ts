import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalEngine } from "../../../lib/engine/local";
import { WorkflowConflictError } from "../../../lib/ports/engine-errors";
import { runInline } from "./run-inline";

// Runs started in parallel (several `skiff run --local` in one project) share one work directory. Each run gets
// its own directory, as each Argo workflow its own pods, even when two have the same fixed metadata.name in two
// engines; within one engine a second workflow of a name that exists is refused as the Kubernetes API refuses it
// (AlreadyExists: `workflows.argoproj.io "<name>" already exists`). The image shims the engines share are replaced
// atomically, so that one engine never runs a shim another is writing (ETXTBSY).

const work = mkdtempSync(join(tmpdir(), "skiff-fidelity-runs-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ARGOSAY = (name: string) => `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: ${name}-}
spec:
  entrypoint: main
  templates:
    - name: main
      container: {image: argoproj/argosay:v2, args: [echo, hi]}
`;

describe("runs sharing a work directory", () => {
  it("runs a shim while another engine holds the same shim open for writing", async () => {
    const first = new LocalEngine({ workDir: work });
    expect((await runInline(first, ARGOSAY("first"))).status?.phase).toBe("Succeeded");
    await first.close();
    const shimDirs = readdirSync(join(work, ".shims")).map((d) => join(work, ".shims", d));
    const shim = shimDirs
      .map((d) => join(d, "argosay"))
      .find((f) => readdirSync(join(f, "..")).includes("argosay"));
    if (!shim) throw new Error(`no argosay shim under ${work}/.shims`);
    // Another engine in the middle of writing it: executing the file it writes would fail with ETXTBSY.
    const writer = await open(shim, "r+");
    const second = new LocalEngine({ workDir: work });
    try {
      const wf = await runInline(second, ARGOSAY("second"));
      expect(wf.status?.phase).toBe("Succeeded");
    } finally {
      await writer.close();
      await second.close();
    }
  });

  it("runs workflows of two engines started at once on one work directory", async () => {
    const engines = [new LocalEngine({ workDir: work }), new LocalEngine({ workDir: work })];
    const runs = engines.flatMap((engine, e) =>
      Array.from({ length: 4 }, (_, i) => runInline(engine, ARGOSAY(`parallel-${e}-${i}`))),
    );
    const phases = (await Promise.all(runs)).map((wf) => wf.status?.phase);
    await Promise.all(engines.map((e) => e.close()));
    expect(phases).toEqual(Array(8).fill("Succeeded"));
  });

  it("gives a workflow with a fixed name its own directory in each engine, and refuses a second while it exists", async () => {
    const fixed = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: fixed-name}
spec:
  entrypoint: main
  templates:
    - name: main
      container:
        image: alpine
        # Fails if it finds what an earlier run of this workflow left in its /tmp.
        command: [sh, -c, "test ! -e /tmp/marker && touch /tmp/marker"]
`;
    const one = new LocalEngine({ workDir: work });
    expect((await runInline(one, fixed)).status?.phase).toBe("Succeeded");
    await expect(runInline(one, fixed)).rejects.toThrow(
      new WorkflowConflictError('workflows.argoproj.io "fixed-name" already exists'),
    );
    await one.close();
    const two = new LocalEngine({ workDir: work });
    try {
      expect((await runInline(two, fixed)).status?.phase).toBe("Succeeded");
    } finally {
      await two.close();
    }
  });
});
