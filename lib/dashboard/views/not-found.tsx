import { HOME_LINK } from "../links";

/** A dashboard URL that names no view. */
export function NotFound({ what }: { what?: string }) {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        {what ? `This dashboard has no page for ${what} yet.` : "No page has this address."}{" "}
        <a href={HOME_LINK}>See the pipelines</a>.
      </p>
    </section>
  );
}
