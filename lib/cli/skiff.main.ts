// `skiff`, bundled to dist/cli/skiff.js, which bin/skiff.js starts.
import "./program";
