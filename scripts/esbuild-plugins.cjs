// esbuild plugins for the Lambda bundles: serverless.yml (custom.esbuild.plugins) and bench/stack/bundle.bench.ts
// load this same list, so the benchmark measures what deploys.
const { join } = require("node:path");

/**
 * zod's `locales` namespace re-exports every translation of its error messages (≈ 250 KB minified) and cannot be
 * tree-shaken; nothing here uses any but English. Keeping `en` alone takes ≈ 14 ms off the build function's cold
 * init (measured 170 → 156 ms here). If zod moves the file, the filter stops matching and the bundle is as before.
 */
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      loader: "js",
      resolveDir: join(args.path, ".."),
    }));
  },
};

module.exports = [zodEnglishOnly];
