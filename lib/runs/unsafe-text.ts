/**
 * Characters a run input may not carry into a step. A NUL cannot cross `execve` (argv and the environment are
 * C strings: the value would be cut or the run would fail at start), and the other C0/C1 controls (ESC, CSI,
 * backspace, ...) rewrite what a terminal shows of logs and `skiff` output. Tab, line feed and carriage return
 * stay allowed: multi-line values are ordinary. A lone UTF-16 surrogate has no UTF-8 form, so storing it would
 * silently change the value.
 */
const UNSAFE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Describes the first unsafe character of `value` (e.g. `NUL (U+0000) at character 3`), or undefined. */
export function unsafeCharacter(value: string): string | undefined {
  const match = UNSAFE.exec(value);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  const what =
    code === 0 ? "NUL" : code >= 0xd800 && code <= 0xdfff ? "a lone surrogate" : "a control character";
  return `${what} (${hex}) at character ${match.index}`;
}
