/** FNV-1a 32-bit hash of the UTF-8 bytes of `s`, as Argo uses for node ids (`<wf>-<fnv32a(nodeName)>`). */
export function fnv32a(s: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(s, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
