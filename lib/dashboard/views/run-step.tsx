import { useEffect, useRef, useState } from "preact/hooks";
import type { StepRecord } from "../../ports/run-store";
import { ApiError, getJson, getResponse, type RunView } from "../api";
import { ErrorBox } from "../components/error-box";
import { Status, Truncate } from "../components/text";
import { runLink } from "../links";
import {
  type ArtifactLink,
  artifactLinks,
  downloadAnswer,
  downloadName,
  formatBytes,
  logsPath,
} from "../run/artifacts";
import { poll } from "../run/poll";
import { formatDuration } from "../run/progress";
import { isStepActive } from "../run/signature";

/** Steps that run a container of their own, and so have logs. */
const WITH_LOGS = new Set(["Pod", "Container"]);

/** The selected step: what it took and gave, why it failed, its artifacts and its logs. */
export function StepPanel({ run, step }: { run: RunView; step: StepRecord }) {
  const artifacts = artifactLinks(run.runId, step);
  const failed = step.phase === "Failed" || step.phase === "Error";
  return (
    <aside class="step-panel" aria-label={`Step ${step.displayName || step.name}`} data-step-id={step.stepId}>
      <div class="step-head">
        <h2>
          <Truncate text={step.displayName || step.name} />
        </h2>
        <Status value={step.phase} />
        <a href={runLink(run.runId)} class="close" aria-label="Close the step" title="Close">
          ×
        </a>
      </div>
      <dl class="facts compact">
        <div>
          <dt>Type</dt>
          <dd>{step.type}</dd>
        </div>
        {step.templateName ? (
          <div>
            <dt>Template</dt>
            <dd>
              <Truncate text={step.templateName} />
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(step.startedAt, step.finishedAt, Date.now()) || "—"}</dd>
        </div>
        {step.exitCode !== undefined ? (
          <div>
            <dt>Exit code</dt>
            <dd>{step.exitCode}</dd>
          </div>
        ) : null}
        <div class="wide">
          <dt>Node id</dt>
          <dd class="mono">
            <Truncate text={step.stepId} />
          </dd>
        </div>
      </dl>
      {step.message || step.stderrTail ? (
        <section class={failed ? "step-error failure" : "step-error"} aria-label="Error">
          <h3>{failed ? "Error" : "Message"}</h3>
          {step.message ? <p>{step.message}</p> : null}
          {step.stderrTail ? <pre class="stderr">{step.stderrTail}</pre> : null}
        </section>
      ) : null}
      <Values title="Inputs" values={step.inputs} />
      <Values title="Outputs" values={step.outputs} />
      {artifacts.length > 0 ? <Artifacts artifacts={artifacts} /> : null}
      {WITH_LOGS.has(step.type) && step.startedAt ? <Logs run={run} step={step} /> : null}
    </aside>
  );
}

function Values({ title, values }: { title: string; values?: Record<string, string> }) {
  const entries = Object.entries(values ?? {});
  if (entries.length === 0) return null;
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      <table class="table values">
        <tbody>
          {entries.map(([name, value]) => (
            <tr key={name}>
              <th scope="row">
                <Truncate text={name} />
              </th>
              <td>
                <pre class="value">{value}</pre>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Artifacts({ artifacts }: { artifacts: ArtifactLink[] }) {
  const [error, setError] = useState<unknown>();
  return (
    <section aria-label="Artifacts">
      <h3>Artifacts</h3>
      <ul class="artifacts">
        {artifacts.map((a) => (
          <li key={`${a.direction}:${a.name}`}>
            <span class="muted">{a.direction}</span>{" "}
            {a.stored ? (
              <a
                href={a.href}
                download={a.name}
                onClick={(event) => {
                  event.preventDefault();
                  setError(undefined);
                  download(a).catch(setError);
                }}
              >
                <Truncate text={a.name} />
              </a>
            ) : (
              <Truncate text={a.name} />
            )}
            {a.size !== undefined ? <span class="muted"> {formatBytes(a.size)}</span> : null}
            {a.path ? <Truncate class="muted mono" text={` ${a.path}`} /> : null}
          </li>
        ))}
      </ul>
      {error ? <ErrorBox error={error} title="Could not download the artifact" /> : null}
    </section>
  );
}

/**
 * Downloads an artifact: the API answers with the bytes (the embedded stack), saved under the artifact's
 * name, or with a presigned URL (AWS), which the browser follows.
 */
async function download(artifact: ArtifactLink): Promise<void> {
  const response = await getResponse(artifact.href, "application/octet-stream, application/json");
  const type = response.headers.get("content-type");
  const answer = downloadAnswer(
    type,
    type?.startsWith("application/json") ? await response.json() : undefined,
  );
  if (answer.kind === "url") {
    window.location.assign(answer.url);
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = downloadName(artifact.name, type);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

interface LogLine {
  time: string;
  stream: "stdout" | "stderr";
  text: string;
}

/** The step's log, followed (polled) while the step runs, and read once more when it ends. */
function Logs({ run, step }: { run: RunView; step: StepRecord }) {
  const [lines, setLines] = useState<LogLine[] | undefined>();
  const [error, setError] = useState<unknown>();
  const box = useRef<HTMLPreElement>(null);
  const active = isStepActive(step);
  useEffect(() => {
    const controller = new AbortController();
    const stop = poll<{ lines: LogLine[] }>({
      load: () => getJson<{ lines: LogLine[] }>(logsPath(run.runId, step.stepId), controller.signal),
      onValue: (value) => {
        setError(undefined);
        setLines(value.lines);
      },
      onError: (e) => {
        if (!controller.signal.aborted) setError(e);
      },
      // A finished step's log is read once; a running one's until the step ends (this effect runs again then).
      done: () => !active,
      changed: (before, after) => before?.lines.length !== after.lines.length,
      minMs: 1000,
      maxMs: 2000,
    });
    return () => {
      stop();
      controller.abort();
    };
  }, [run.runId, step.stepId, active]);
  // Follow the end while the step runs, unless the reader scrolled up.
  useEffect(() => {
    const el = box.current;
    if (el && active && el.scrollHeight - el.scrollTop - el.clientHeight < 80) el.scrollTop = el.scrollHeight;
  }, [lines, active]);
  return (
    <section aria-label="Logs">
      <h3>
        Logs{" "}
        {active ? (
          <span class="muted" aria-live="polite">
            (following)
          </span>
        ) : null}
      </h3>
      {error && !(error instanceof ApiError && error.status === 404) ? (
        <ErrorBox error={error} title="Could not read the logs" />
      ) : null}
      {lines === undefined && !error ? <p class="muted">Loading the logs…</p> : null}
      {lines !== undefined ? (
        lines.length === 0 ? (
          <p class="muted">No output{active ? " yet" : ""}.</p>
        ) : (
          <pre class="logs" ref={box} data-testid="logs">
            {lines.map((line, i) => (
              <span key={i} class={line.stream === "stderr" ? "stderr-line" : undefined}>
                {line.text}
                {"\n"}
              </span>
            ))}
          </pre>
        )
      ) : null}
      {error instanceof ApiError && error.status === 404 ? <p class="muted">No logs for this step.</p> : null}
    </section>
  );
}
