// A small in-memory Engine (a test double of the port) whose workflows the test sets directly: it lets a test
// deliver engine events in any order while deciding what the engine says at each moment.
import type { Workflow } from "../../../lib/argo";
import type { Engine, ListOptions, WorkflowList, WorkflowRef } from "../../../lib/ports/engine";
import { WorkflowNotFoundError } from "../../../lib/ports/engine-errors";

export class MemoryEngine implements Engine {
  readonly kind = "local" as const;
  private readonly workflows = new Map<string, Workflow>();
  /** Calls of `get` and `list`, for assertions on what the watcher read. */
  reads = 0;

  set(workflow: Workflow): void {
    this.workflows.set(
      key(workflow.metadata.namespace ?? "default", workflow.metadata.name ?? ""),
      structuredClone(workflow),
    );
  }

  remove(namespace: string, name: string): void {
    this.workflows.delete(key(namespace, name));
  }

  async get(ref: WorkflowRef): Promise<Workflow | undefined> {
    this.reads++;
    const found = this.workflows.get(key(ref.namespace, ref.name));
    if (!found) return undefined;
    if (ref.uid && found.metadata.uid !== ref.uid) {
      throw new WorkflowNotFoundError(`workflow ${ref.namespace}/${ref.name} has another uid`);
    }
    return structuredClone(found);
  }

  async list(options: ListOptions = {}): Promise<WorkflowList> {
    this.reads++;
    const terms = (options.labelSelector ?? "").split(",").filter(Boolean);
    const matching = [...this.workflows.values()].filter((wf) =>
      terms.every((term) => {
        const labels = wf.metadata.labels ?? {};
        const [k, v] = term.includes("!=") ? term.split("!=") : term.split("=");
        if (term.includes("!=")) return labels[k] !== v;
        return v === undefined ? k in labels : labels[k] === v;
      }),
    );
    const start = Number(options.continue ?? 0);
    const end = options.limit ? start + options.limit : matching.length;
    const items = matching.slice(start, end).map((wf) => structuredClone(wf));
    return end < matching.length ? { items, continue: String(end) } : { items };
  }

  submit(): never {
    return unused("submit");
  }
  stop(): never {
    return unused("stop");
  }
  terminate(): never {
    return unused("terminate");
  }
  suspend(): never {
    return unused("suspend");
  }
  resume(): never {
    return unused("resume");
  }
  retry(): never {
    return unused("retry");
  }
  resubmit(): never {
    return unused("resubmit");
  }
  logs(): never {
    return unused("logs");
  }
  watch(): never {
    return unused("watch");
  }
  installTemplate(): never {
    return unused("installTemplate");
  }
  getTemplate(): never {
    return unused("getTemplate");
  }
  deleteTemplate(): never {
    return unused("deleteTemplate");
  }
  listTemplates(): never {
    return unused("listTemplates");
  }
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;

function unused(what: string): never {
  throw new Error(`MemoryEngine.${what} is not used by the watcher`);
}
