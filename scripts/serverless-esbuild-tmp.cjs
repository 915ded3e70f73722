// A local serverless plugin (listed after serverless-esbuild in serverless.yml). serverless-esbuild 1.57.2, the
// latest release, stages each function's zip in `<tmpdir>/<function>-<pid>-<ms>-<8 hex>/` and releases that
// directory with a non-recursive remove whose ENOTEMPTY it swallows, so every `osls package`/`deploy` leaves a
// copy of each bundle in the temp dir (upstream: floydspace/serverless-esbuild#589). This removes the staging
// directories of this process when it exits, whether packaging succeeded or failed.
const { readdirSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `<name>-<pid>-<ms>-<8 hex>` for one of `names` and this process: the name serverless-esbuild's zip() gives. */
function stagingPattern(names, pid) {
  return new RegExp(`^(?:${names.map(escapeRegExp).join("|")})-${pid}-\\d+-[0-9a-f]{8}$`);
}

/** Removes this process's zip staging directories from `dir`; returns the names removed. */
function removeStagingDirs(names, pid = process.pid, dir = tmpdir()) {
  if (names.length === 0) return [];
  const pattern = stagingPattern(names, pid);
  const removed = [];
  for (const entry of readdirSync(dir)) {
    if (!pattern.test(entry)) continue;
    rmSync(join(dir, entry), { recursive: true, force: true });
    removed.push(entry);
  }
  return removed;
}

class ServerlessEsbuildTmpCleanup {
  constructor(serverless) {
    process.once("exit", () => {
      try {
        // Function keys (serverless-esbuild's zip names when packaging individually) and the service name.
        const service = serverless.service;
        removeStagingDirs([...service.getAllFunctions(), String(service.service)]);
      } catch {
        // Best effort: a failed clean-up must not change how the command ends.
      }
    });
  }
}

module.exports = ServerlessEsbuildTmpCleanup;
module.exports.removeStagingDirs = removeStagingDirs;
