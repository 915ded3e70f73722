import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // The package's entries from source (package.json's "exports" name the built dist/). Exact matches: a
    // string alias would also rewrite "skiff/client" as a path under the DSL's entry.
    alias: [
      { find: /^skiff$/, replacement: fileURLToPath(new URL("./lib/dsl/index.ts", import.meta.url)) },
      {
        find: /^skiff\/client$/,
        replacement: fileURLToPath(new URL("./lib/client/index.ts", import.meta.url)),
      },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    reporters: ["default", "./scripts/summary-reporter.ts"],
  },
});
