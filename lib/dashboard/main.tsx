// The dashboard's entry (bundled by scripts/build.mjs into dist/dashboard/assets/app.js).
import { render } from "preact";
import { App } from "./app";
import { startRouter } from "./router";

startRouter();
const root = document.getElementById("app");
if (root) render(<App />, root);
