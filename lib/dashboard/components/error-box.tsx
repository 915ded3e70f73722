import { ApiError } from "../api";

/** A failed request, readable: what was asked, what the API answered, and which fields it named. */
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  const message =
    error instanceof ApiError
      ? error.message
      : error instanceof Error
        ? error.message
        : String(error ?? "unknown error");
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div class="error-box" role="alert">
      {title ? <strong>{title}: </strong> : null}
      <span>{message}</span>
      {details.length > 0 ? (
        <ul>
          {details.map((d) => (
            <li key={`${d.field}:${d.message}`}>
              <code>{d.field}</code>: {d.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The states of a fetched view's body: loading, failed, or the content. */
export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" aria-busy="true">
      Loading {what}…
    </p>
  );
}
