import type { ComponentChildren } from "preact";

export interface TruncateProps {
  text: string;
  /** The element's class, added to `truncate`. Default: none. */
  class?: string;
}

/** One line of text that never overflows its box: an ellipsis where it is cut, the whole text as its tooltip. */
export function Truncate({ text, class: extra }: TruncateProps) {
  return (
    <span class={extra ? `truncate ${extra}` : "truncate"} title={text}>
      {text}
    </span>
  );
}

/** A status or phase as a coloured badge (`Failed`, `Succeeded`, …). */
export function Status({ value, children }: { value: string; children?: ComponentChildren }) {
  return <span class={`status status-${value.toLowerCase()}`}>{children ?? value}</span>;
}
