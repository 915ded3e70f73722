// Requests to a deployed stage are SigV4-signed with the AWS SDK's chain, with a context's profile when it
// names one; a profile without credentials is a CredentialsError that says how to log in.
import { writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../../lib/client/client";
import { CredentialsError } from "../../../lib/client/errors";
import { Paged } from "../../../lib/client/skiff-client";
import { tempDir } from "../../support/temp-dir";

const temp = tempDir("signing");
const seen: IncomingHttpHeaders[] = [];
let server: Server;
let url: string;
const saved = { ...process.env };

beforeAll(async () => {
  const credentials = join(temp.path, "credentials");
  writeFileSync(
    credentials,
    "[dev]\naws_access_key_id = AKIDDEVPROFILE\naws_secret_access_key = devsecret\n",
  );
  // Only the files and variables of this test: nothing of the machine's own AWS setup.
  for (const key of Object.keys(process.env)) if (key.startsWith("AWS_")) delete process.env[key];
  Object.assign(process.env, {
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    AWS_CONFIG_FILE: join(temp.path, "config"),
    AWS_EC2_METADATA_DISABLED: "true",
  });
  server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ items: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  process.env = saved;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  temp.remove();
});

describe("signing", () => {
  it("signs for execute-api in the context's region with the context's AWS profile", async () => {
    const api = new ApiClient({ apiUrl: url, local: false, region: "eu-west-1", awsProfile: "dev" });
    await api.listRuns({ pipeline: "etl" });
    expect(seen.at(-1)?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDDEVPROFILE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=.*host/,
    );
  });

  it("does not sign for the embedded stack", async () => {
    await new ApiClient({ apiUrl: url, local: true }).listRuns({});
    expect(seen.at(-1)?.authorization).toBeUndefined();
  });

  it("says how to log in when the profile has no credentials", async () => {
    const api = new ApiClient({ apiUrl: url, local: false, region: "eu-west-1", awsProfile: "prod" });
    const error = await api.listRuns({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as Error).message).toMatch(/log in to profile prod \(aws sso login --profile prod\)/);
  });
});

describe("Paged", () => {
  it("walks every page by its cursor, lazily, and stops collecting at a maximum", async () => {
    const asked: Array<string | undefined> = [];
    const pages: Record<string, { items: number[]; cursor?: string }> = {
      start: { items: [1, 2], cursor: "b" },
      b: { items: [3], cursor: "c" },
      c: { items: [4, 5] },
    };
    const paged = new Paged<number>(async (cursor) => {
      asked.push(cursor);
      return pages[cursor ?? "start"];
    });
    expect(asked).toEqual([]);
    expect(await paged.toArray()).toEqual([1, 2, 3, 4, 5]);
    expect(asked).toEqual([undefined, "b", "c"]);
    expect(await paged.toArray(2)).toEqual([1, 2]);
  });
});
