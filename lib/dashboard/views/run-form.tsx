import { useState } from "preact/hooks";
import { ApiError, api, type ErrorDetail } from "../api";
import { ErrorBox } from "../components/error-box";
import { runLink } from "../links";
import { navigate } from "../router";

/** A declared workflow parameter, as `GET /pipelines/{name}` lists it on a version. */
export interface DeclaredParameter {
  name: string;
  default?: string;
  enum?: string[];
  description?: string;
}

export interface RunFormProps {
  pipeline: string;
  version: string;
  parameters: DeclaredParameter[];
}

/**
 * The parameters the form sends: every field with a value, and a field without a default only when filled,
 * so that the API, which is the one judge of a request, names a missing one rather than an empty one.
 */
export function requestParameters(
  declared: DeclaredParameter[],
  values: Record<string, string>,
): Record<string, string> {
  const sent: Record<string, string> = {};
  for (const parameter of declared) {
    const value = values[parameter.name] ?? parameter.default ?? "";
    if (value !== "" || parameter.default !== undefined) sent[parameter.name] = value;
  }
  return sent;
}

/** Field errors by parameter name (`parameters.rows`), and the rest for the form as a whole. */
export function splitDetails(details: ErrorDetail[]): {
  byField: Map<string, string[]>;
  other: ErrorDetail[];
} {
  const byField = new Map<string, string[]>();
  const other: ErrorDetail[] = [];
  for (const detail of details) {
    const match = /^parameters\.(.+)$/.exec(detail.field);
    if (match) byField.set(match[1], [...(byField.get(match[1]) ?? []), detail.message]);
    else other.push(detail);
  }
  return { byField, other };
}

/** Starts a run of one version from its declared parameters; on success goes to the run's page. */
export function RunForm({ pipeline, version, parameters }: RunFormProps) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const { byField, other } = splitDetails(error instanceof ApiError ? error.details : []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const created = await api.startRun(pipeline, {
        version,
        parameters: requestParameters(parameters, values),
      });
      navigate(runLink(created.runId));
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  const formError = error instanceof ApiError && byField.size > 0 && other.length === 0 ? undefined : error;
  return (
    <form class="run-form card" onSubmit={submit} aria-label={`Start a run of ${pipeline} ${version}`}>
      <h2>Start a run of {version}</h2>
      {parameters.length === 0 ? <p class="muted">This version declares no parameters.</p> : null}
      {parameters.map((parameter) => {
        const id = `param-${parameter.name}`;
        const value = values[parameter.name] ?? parameter.default ?? "";
        const set = (next: string) => setValues((previous) => ({ ...previous, [parameter.name]: next }));
        const problems = byField.get(parameter.name) ?? [];
        const describedBy = [
          parameter.description ? `${id}-help` : undefined,
          problems.length > 0 ? `${id}-error` : undefined,
        ]
          .filter(Boolean)
          .join(" ");
        return (
          <div class={problems.length > 0 ? "field invalid" : "field"} key={parameter.name}>
            <label for={id} class="truncate" title={parameter.name}>
              {parameter.name}
            </label>
            {parameter.enum && parameter.enum.length > 0 ? (
              <select
                id={id}
                name={parameter.name}
                value={value}
                aria-invalid={problems.length > 0}
                aria-describedby={describedBy || undefined}
                onChange={(e) => set((e.currentTarget as HTMLSelectElement).value)}
              >
                {parameter.default === undefined && !parameter.enum.includes(value) ? (
                  <option value="">choose…</option>
                ) : null}
                {parameter.enum.map((option) => (
                  <option key={option} value={option}>
                    {option}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                name={parameter.name}
                type="text"
                value={value}
                placeholder={parameter.default === undefined ? "required" : undefined}
                aria-invalid={problems.length > 0}
                aria-describedby={describedBy || undefined}
                onInput={(e) => set((e.currentTarget as HTMLInputElement).value)}
              />
            )}
            {parameter.description ? (
              <p class="help" id={`${id}-help`}>
                {parameter.description}
              </p>
            ) : null}
            {problems.length > 0 ? (
              <p class="field-error" id={`${id}-error`} role="alert">
                {problems.join("; ")}
              </p>
            ) : null}
          </div>
        );
      })}
      {formError ? <ErrorBox error={formError} title="The run was not started" /> : null}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? "Starting…" : "Start run"}
      </button>
    </form>
  );
}
