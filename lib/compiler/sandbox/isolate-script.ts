// The script every build's isolate runs before the pipeline: the prelude, the DSL and the harness, bundled
// by `npm run build` into dist/sandbox/isolate.js (an IIFE; see ../dsl-bundle.ts). The prelude comes first.
import "./prelude";
import * as dsl from "../../dsl/index";
import { installHarness } from "./harness";

installHarness(dsl);
