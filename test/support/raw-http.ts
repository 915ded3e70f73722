import { request } from "node:http";

export interface RawAnswer {
  status: number;
  body: string;
}

/**
 * One HTTP/1.1 request to 127.0.0.1 with exactly the headers given (`Host` included), as a browser on another
 * site or a DNS-rebinding page would send them; fetch would not let a test set them.
 */
export function rawRequest(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, method: options.method ?? "GET", headers: options.headers ?? {} },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}
