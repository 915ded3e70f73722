import type { Pages } from "../use-pages";
import { ErrorBox } from "./error-box";

/** "Show more" under a paged list, while the API has more; a failed page is shown and can be asked again. */
export function MoreButton<T>({ pages, what }: { pages: Pages<T>; what: string }) {
  if (!pages.more && !pages.error) return null;
  return (
    <div class="more">
      {pages.error ? <ErrorBox error={pages.error} title={`Could not load more ${what}`} /> : null}
      {pages.more ? (
        <button type="button" onClick={pages.loadMore} disabled={pages.loading}>
          {pages.loading ? "Loading…" : `Show more ${what}`}
        </button>
      ) : null}
    </div>
  );
}
