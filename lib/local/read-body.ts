import type { IncomingMessage } from "node:http";

/**
 * The request body, or undefined as soon as it passes `maxBytes` (nothing more is kept). Read from events
 * rather than `for await`: leaving that loop early destroys the request, and with it the socket, so the
 * client would see a reset instead of the 413.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      req.off("data", onData).off("end", onEnd).off("error", reject);
      chunks.length = 0;
      resolve(undefined);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on("data", onData).once("end", onEnd).once("error", reject);
  });
}
