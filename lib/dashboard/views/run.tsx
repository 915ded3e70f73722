import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, postJson, type RunCreated, type RunView as RunData } from "../api";
import { ErrorBox, Loading } from "../components/error-box";
import { Status, Truncate } from "../components/text";
import { Graph } from "../graph/graph";
import { pipelineLink, runLink, runsLink, stepLink } from "../links";
import { navigate } from "../router";
import type { RouteProps } from "../routes";
import { actionInfo, actionPath, actionsFor, type RunActionInfo, type RunActionName } from "../run/actions";
import { formatDuration, progressOf } from "../run/progress";
import { isFinished } from "../run/signature";
import { stepsToGraph } from "../run/steps-graph";
import { useNow, useRun } from "../run/use-run";
import { StepPanel } from "./run-step";

/** `/#/runs/<runId>` and `/#/runs/<runId>/steps/<stepId>`: a run, live, and the selected step. */
export function RunView({ params }: RouteProps) {
  const { runId, stepId } = params;
  const live = useRun(runId);
  const { run } = live;
  const now = useNow(run !== undefined && !isFinished(run.status));
  const graph = useMemo(() => stepsToGraph(run ?? {}), [run]);
  if (!run) {
    return (
      <section class="run-view">
        <h1 class="mono">
          <Truncate text={runId} />
        </h1>
        {live.error ? (
          <ErrorBox error={live.error} title="Could not read the run" />
        ) : (
          <Loading what="the run" />
        )}
      </section>
    );
  }
  const progress = progressOf(run.steps);
  const step = stepId ? run.steps.find((s) => s.stepId === stepId) : undefined;
  return (
    <section class="run-view" data-run-status={run.status}>
      <div class="title-row">
        <h1 class="mono">
          <Truncate text={run.runId} />
        </h1>
        <Status value={run.status} />
        <RunActions run={run} onDone={live.refresh} />
      </div>
      {live.error ? <ErrorBox error={live.error} title="Could not refresh the run" /> : null}
      <dl class="facts">
        <div>
          <dt>Pipeline</dt>
          <dd>
            <a href={pipelineLink(run.pipeline, run.version)}>
              <Truncate text={`${run.pipeline} ${run.version}`} />
            </a>
          </dd>
        </div>
        <div>
          <dt>Progress</dt>
          <dd data-testid="progress">
            {progress.done}/{progress.total} steps
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd data-testid="duration">{formatDuration(run.startedAt, run.finishedAt, now) || "—"}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <time dateTime={run.createdAt}>
              {run.createdAt.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC")}
            </time>
          </dd>
        </div>
        {run.parentRunId ? (
          <div>
            <dt>Resubmitted from</dt>
            <dd>
              <a href={runLink(run.parentRunId)} class="mono">
                <Truncate text={run.parentRunId} />
              </a>
            </dd>
          </div>
        ) : null}
        {Object.keys(run.parameters).length > 0 ? (
          <div class="wide">
            <dt>Parameters</dt>
            <dd class="params">
              {Object.entries(run.parameters).map(([name, value]) => (
                <a
                  key={name}
                  href={runsLink({ pipeline: run.pipeline, [`param.${name}`]: value })}
                  title={`Runs of ${run.pipeline} with ${name}=${value}`}
                  class="mono chip"
                >
                  <Truncate text={`${name}=${value}`} />
                </a>
              ))}
            </dd>
          </div>
        ) : null}
      </dl>
      {run.message ? <p class="run-message">{run.message}</p> : null}
      {(run.failedSteps ?? []).map((failed) => (
        <section class="failure" aria-label={`Failure of ${failed.name}`} key={failed.stepId}>
          <p>
            <a href={stepLink(run.runId, failed.stepId)}>
              <strong>
                <Truncate text={failed.name} />
              </strong>
            </a>{" "}
            failed{failed.exitCode !== undefined ? ` (exit ${failed.exitCode})` : ""}
            {failed.message ? `: ${failed.message}` : ""}
          </p>
          {failed.stderrTail ? <pre class="stderr">{failed.stderrTail}</pre> : null}
        </section>
      ))}
      <div class={step ? "run-body with-step" : "run-body"}>
        <div class="run-graph">
          {graph.nodes.length > 0 ? (
            <Graph
              model={graph}
              label={`run ${run.runId}`}
              selected={stepId}
              onSelect={(id) => navigate(stepLink(run.runId, id))}
            />
          ) : (
            <p class="muted">No steps yet.</p>
          )}
        </div>
        {stepId ? (
          step ? (
            <StepPanel run={run} step={step} />
          ) : (
            <aside class="step-panel">
              <p class="muted">This run has no step {stepId} (yet).</p>
            </aside>
          )
        ) : null}
      </div>
    </section>
  );
}

/** The actions that apply to the run now; the destroying ones ask first, in a dialog. */
function RunActions({ run, onDone }: { run: RunData; onDone: () => void }) {
  const [asking, setAsking] = useState<RunActionInfo | undefined>();
  const [busy, setBusy] = useState<RunActionName | undefined>();
  const [error, setError] = useState<unknown>();
  const dialog = useRef<HTMLDialogElement>(null);

  const perform = async (name: RunActionName) => {
    setBusy(name);
    setError(undefined);
    try {
      const answer = await postJson<RunCreated>(actionPath(run.runId, name), {});
      if (name === "resubmit") {
        navigate(runLink(answer.runId));
        return;
      }
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };
  const choose = (action: RunActionInfo) => {
    if (!action.confirm) {
      void perform(action.name);
      return;
    }
    setAsking(action);
  };
  // The native modal dialog: focus moves into it (to Cancel), Escape cancels, the page behind is inert.
  useEffect(() => {
    if (asking && dialog.current && !dialog.current.open) dialog.current.showModal();
  }, [asking]);
  const close = () => {
    dialog.current?.close();
    setAsking(undefined);
  };

  return (
    <div class="run-actions">
      {actionsFor(run).map((action) => (
        <button
          type="button"
          key={action.name}
          title={action.help}
          disabled={busy !== undefined}
          class={action.confirm ? "danger" : undefined}
          onClick={() => choose(action)}
          data-action={action.name}
        >
          {busy === action.name ? `${action.label}…` : action.label}
        </button>
      ))}
      <dialog
        ref={dialog}
        class="confirm"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-text"
        onClose={() => setAsking(undefined)}
      >
        {asking ? (
          <form
            method="dialog"
            onSubmit={(event) => {
              event.preventDefault();
              const name = asking.name;
              close();
              void perform(name);
            }}
          >
            <h2 id="confirm-title">{actionInfo(asking.name).label} this run?</h2>
            <p id="confirm-text">{asking.confirm}</p>
            <div class="buttons">
              <button type="button" onClick={close}>
                Cancel
              </button>
              <button type="submit" class="danger" data-confirm={asking.name}>
                {asking.label}
              </button>
            </div>
          </form>
        ) : null}
      </dialog>
      {error ? (
        <ErrorBox
          error={error}
          title={error instanceof ApiError && error.status === 409 ? "Not possible now" : "The action failed"}
        />
      ) : null}
    </div>
  );
}
