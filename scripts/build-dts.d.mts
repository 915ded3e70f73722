// Types of scripts/build-dts.mjs, for the tests that emit the DSL's declarations with it.
export declare const DECLARATIONS_DIR: string;
/** Writes the DSL's and the client's declarations into `outDir` (default: dist/types); resolves to the DSL's entry (`dsl/index.d.ts`). */
export declare function buildDeclarations(outDir?: string): Promise<string>;
