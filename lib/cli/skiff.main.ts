// `skiff`, bundled to dist/cli/skiff.js. bin/skiff.js sends `build` and `lint` to the compiler's own
// program (dist/build/cli.cjs, from lib/build/cli.main.ts) and everything else here.
import "./program";
