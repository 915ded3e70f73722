import { formatDiagnostic } from "../../compiler/diagnostics";
import { api, type PipelineRecord, type RunCounts, type ScheduleView } from "../api";
import { ErrorBox, Loading } from "../components/error-box";
import { Status, Truncate } from "../components/text";
import { pipelineLink, pipelinesLink, runsLink } from "../links";
import { withQuery } from "../router";
import type { RouteProps } from "../routes";
import { useFetch } from "../use-fetch";

/** The recent windows the runs column can count over, by the `window` query value. */
const WINDOWS: Record<string, { label: string; ms: number }> = {
  "1h": { label: "last hour", ms: 3_600_000 },
  "24h": { label: "last 24 hours", ms: 86_400_000 },
  "7d": { label: "last 7 days", ms: 7 * 86_400_000 },
};
const DEFAULT_WINDOW = "24h";

/** Statuses in the order a reader scans them: what needs attention first. */
const STATUS_ORDER = ["Failed", "Error", "Running", "Pending", "Succeeded", "Stopped", "Terminated"];

/** `/#/pipelines`: every pipeline with its latest version, last build, schedule and recent runs. */
export function PipelinesView({ query }: RouteProps) {
  const windowKey = WINDOWS[query.get("window") ?? ""] ? (query.get("window") as string) : DEFAULT_WINDOW;
  const pipelines = useFetch((signal) => api.pipelines(signal), []);
  // Schedules are optional: a stage without the schedules function answers 501, which the table shows as "—".
  const schedules = useFetch((signal) => api.schedules(signal), []);
  const byName = new Map<string, ScheduleView>(
    (schedules.data?.items ?? []).map((schedule) => [schedule.pipeline, schedule]),
  );
  return (
    <section>
      <div class="title-row">
        <h1>Pipelines</h1>
        <nav class="segmented" aria-label="Runs counted over">
          {Object.entries(WINDOWS).map(([key, { label }]) => (
            <a
              key={key}
              href={withQuery(pipelinesLink(), { window: key === DEFAULT_WINDOW ? undefined : key })}
              aria-current={key === windowKey ? "true" : undefined}
            >
              {label}
            </a>
          ))}
        </nav>
      </div>
      {pipelines.error ? <ErrorBox error={pipelines.error} title="Could not list the pipelines" /> : null}
      {schedules.error ? <ErrorBox error={schedules.error} title="Could not read the schedules" /> : null}
      {pipelines.loading && !pipelines.data ? <Loading what="pipelines" /> : null}
      {pipelines.data && pipelines.data.items.length === 0 ? (
        <p class="muted">No pipelines yet: `npx skiff push pipeline.ts` uploads one.</p>
      ) : null}
      {pipelines.data && pipelines.data.items.length > 0 ? (
        <table class="table pipelines">
          <colgroup>
            <col style="width: 20%" />
            <col style="width: 7%" />
            <col style="width: 34%" />
            <col style="width: 17%" />
            <col style="width: 22%" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Latest</th>
              <th scope="col">Last build</th>
              <th scope="col">Schedule</th>
              <th scope="col">Runs, {WINDOWS[windowKey].label}</th>
            </tr>
          </thead>
          <tbody>
            {pipelines.data.items.map((pipeline) => (
              <PipelineRow
                key={pipeline.name}
                pipeline={pipeline}
                schedule={byName.get(pipeline.name)}
                windowMs={WINDOWS[windowKey].ms}
              />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function PipelineRow(props: { pipeline: PipelineRecord; schedule?: ScheduleView; windowMs: number }) {
  const { pipeline, schedule } = props;
  return (
    <tr data-pipeline={pipeline.name}>
      <td>
        <a href={pipelineLink(pipeline.name)} class="truncate" title={pipeline.name}>
          {pipeline.name}
        </a>
      </td>
      <td>{pipeline.latestVersion ?? "—"}</td>
      <td>
        <LastBuild pipeline={pipeline} />
      </td>
      <td>{schedule ? <ScheduleCell schedule={schedule} /> : <span class="muted">—</span>}</td>
      <td>
        <RunCountsCell pipeline={pipeline.name} windowMs={props.windowMs} />
      </td>
    </tr>
  );
}

/** The last build: its version and result; a failed one lists its diagnostics as `file:line:col: message`. */
export function LastBuild({ pipeline }: { pipeline: PipelineRecord }) {
  const build = pipeline.lastBuild;
  if (!build) return <span class="muted">—</span>;
  if (build.ok) return <Status value="Succeeded">{`${build.version} built`}</Status>;
  const errors = build.diagnostics.filter((d) => d.severity === "error");
  return (
    <div class="build-failed">
      <Status value="Failed">{`${build.version} failed`}</Status>
      <ul class="diagnostics">
        {(errors.length > 0 ? errors : build.diagnostics).map((d) => {
          // Wrapped, not cut: the message is what the reader came for.
          const text = formatDiagnostic(d);
          return <li key={text}>{text}</li>;
        })}
      </ul>
    </div>
  );
}

function ScheduleCell({ schedule }: { schedule: ScheduleView }) {
  const text = `${schedule.schedules.join(", ")}${schedule.timezone ? ` (${schedule.timezone})` : ""}`;
  return (
    <div>
      <Truncate text={text} class="mono" />
      {schedule.suspended ? <span class="muted"> suspended</span> : null}
      {schedule.stopped ? <span class="muted"> stopped</span> : null}
    </div>
  );
}

function RunCountsCell({ pipeline, windowMs }: { pipeline: string; windowMs: number }) {
  // Rounded to the minute so that re-renders ask the same question (and the browser may reuse the answer).
  const since = new Date(Math.floor((Date.now() - windowMs) / 60_000) * 60_000).toISOString();
  const counts = useFetch((signal) => api.runCounts({ pipeline, since }, signal), [pipeline, since]);
  if (counts.error) return <ErrorBox error={counts.error} />;
  if (!counts.data) return <span class="muted">…</span>;
  return <CountBadges pipeline={pipeline} counts={counts.data} />;
}

function CountBadges({ pipeline, counts }: { pipeline: string; counts: RunCounts }) {
  const entries = Object.entries(counts.counts)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => rank(a) - rank(b));
  if (entries.length === 0) return <span class="muted">no runs</span>;
  return (
    <ul class="counts" aria-label={`runs of ${pipeline} by status`}>
      {entries.map(([status, n]) => (
        <li key={status}>
          <a href={runsLink({ pipeline, status })} title={`${n} ${status} run${n === 1 ? "" : "s"}`}>
            <Status value={status}>{`${n} ${status}`}</Status>
          </a>
        </li>
      ))}
    </ul>
  );
}

function rank(status: string): number {
  const index = STATUS_ORDER.indexOf(status);
  return index < 0 ? STATUS_ORDER.length : index;
}
