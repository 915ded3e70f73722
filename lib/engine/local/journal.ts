import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { NodeStatus, Workflow } from "../../argo";
import { LABEL_COMPLETED, LABEL_PHASE } from "../../argo/labels";
import { isFulfilled } from "../../argo/phases";
import { rfc3339 } from "./time";

/** A journal file could not be read back; the message names the file. */
export class WorkflowJournalError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "WorkflowJournalError";
  }
}

/**
 * The local engine's workflows on disk (`<dir>/<namespace>/<name>.json`), so that a restart of the engine (the
 * embedded stack's process) does not forget them, as Argo keeps its workflows in the cluster. A workflow is written
 * when it is submitted and when it completes: the two states a restart must know (the steps in between ran in
 * processes that do not survive the engine). Writes are synchronous and atomic (a temporary file renamed), so a
 * kill at any point leaves either the old or the new document.
 */
export class WorkflowJournal {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  save(workflow: Workflow): void {
    const namespace = workflow.metadata.namespace ?? "default";
    const folder = join(this.dir, safe(namespace));
    mkdirSync(folder, { recursive: true });
    const file = join(folder, `${safe(workflow.metadata.name ?? "")}.json`);
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(workflow));
    renameSync(temporary, file);
  }

  remove(namespace: string, name: string): void {
    rmSync(join(this.dir, safe(namespace), `${safe(name)}.json`), { force: true });
  }

  /** Every workflow written; a file that cannot be parsed (cut short by a disk error) is an error naming it. */
  load(): Workflow[] {
    const workflows: Workflow[] = [];
    for (const namespace of readdirSync(this.dir, { withFileTypes: true })) {
      if (!namespace.isDirectory()) continue;
      const folder = join(this.dir, namespace.name);
      for (const entry of readdirSync(folder)) {
        const file = join(folder, entry);
        if (entry.endsWith(".tmp")) {
          rmSync(file, { force: true }); // a write the last session did not finish; the old document stands
          continue;
        }
        if (!entry.endsWith(".json")) continue;
        try {
          workflows.push(JSON.parse(readFileSync(file, "utf8")) as Workflow);
        } catch (cause) {
          throw new WorkflowJournalError(`workflow journal ${file} could not be read`, { cause });
        }
      }
    }
    return workflows;
  }
}

/** Names are DNS-1123 already; this only keeps a hostile one inside its folder. */
function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_");
}

/**
 * A workflow the engine had not finished when it stopped: its step processes are gone and are not resumed, so it
 * ends here, in `Error`, with a message naming the phase it had. Steps that had finished keep their phase; the
 * others end `Error` with the phase they had. Nothing is reported as an outcome the workflow did not reach.
 */
export function markLost(workflow: Workflow, now = new Date()): Workflow {
  workflow.status ??= {};
  const status = workflow.status;
  const had = status.phase || "Pending";
  const finishedAt = rfc3339(now);
  for (const node of Object.values(status.nodes ?? {}) as NodeStatus[]) {
    if (isFulfilled(node)) continue;
    node.message = `the local engine stopped while this step was ${node.phase || "Pending"}; it was not resumed`;
    node.phase = "Error";
    node.finishedAt = finishedAt;
  }
  status.phase = "Error";
  status.message = `the local engine stopped while the workflow was ${had} (a restart of the engine); its steps were not resumed`;
  status.startedAt ||= finishedAt;
  status.finishedAt = finishedAt;
  status.conditions = [
    { type: "PodRunning", status: "False" },
    { type: "Completed", status: "True" },
  ];
  workflow.metadata.labels = {
    ...workflow.metadata.labels,
    [LABEL_PHASE]: "Error",
    [LABEL_COMPLETED]: "true",
  };
  return workflow;
}
