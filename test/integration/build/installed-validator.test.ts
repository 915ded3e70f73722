// The bundled compiler validates with dist/build/argo-validate.js and its V8 code cache (npm run build
// writes both): the same answers as the generated module, and a cache this Node accepts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findInstalled } from "../../../lib/build/install-paths";
import * as generated from "../../../lib/build/lint/argo-validate.generated";
import {
  runValidatorScript,
  VALIDATOR_CACHE,
  VALIDATOR_SCRIPT,
} from "../../../lib/build/lint/validator-script";
import { sampleManifest } from "../../../lib/build/warm-up";

type Validate = ((manifest: unknown) => boolean) & { errors?: unknown[] | null };

describe("installed schema validator", () => {
  const file = findInstalled(VALIDATOR_SCRIPT);
  const cache = findInstalled(VALIDATOR_CACHE);

  it("is built, with a code cache that this Node accepts", () => {
    expect(file).toBeDefined();
    expect(cache).toBeDefined();
    const { script } = runValidatorScript(file as string, cache);
    expect(script.cachedDataRejected).toBe(false);
  });

  it("answers as the generated module does, errors included", () => {
    const { exports } = runValidatorScript(file as string, cache);
    const invalid = {
      ...sampleManifest(),
      spec: { entrypoint: 7, templates: [{ name: "x", dag: { tasks: [{}] } }] },
    };
    for (const kind of ["Workflow", "WorkflowTemplate", "CronWorkflow", "ClusterWorkflowTemplate"] as const) {
      const installed = exports[kind] as Validate;
      const reference = (generated as unknown as Record<string, Validate>)[kind];
      for (const manifest of [sampleManifest(), { ...sampleManifest(), kind }, invalid]) {
        expect(installed(manifest)).toBe(reference(manifest));
        expect(installed.errors).toEqual(reference.errors);
      }
    }
  });

  it("compiles from source when the cache is missing, or stale for the script", () => {
    const { exports, script } = runValidatorScript(file as string, `${file}.no-such-cache`);
    expect(script.cachedDataRejected).toBeUndefined();
    expect((exports.Workflow as Validate)(sampleManifest())).toBe(true);
    // A script changed since its cache was made (a new source for V8, so no in-memory compile either).
    const scratch = mkdtempSync(join(tmpdir(), "skiff-validator-"));
    try {
      const changed = join(scratch, "argo-validate.js");
      writeFileSync(changed, `${readFileSync(file as string, "utf8")}\n// changed\n`);
      const stale = runValidatorScript(changed, cache);
      expect(stale.script.cachedDataRejected).toBe(true);
      expect((stale.exports.Workflow as Validate)(sampleManifest())).toBe(true);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
