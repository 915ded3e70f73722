// Runs first in every build's isolate (./isolate-script.ts imports it before the DSL): takes away code
// generation from strings (`eval` and the Function constructors), WebAssembly and SharedArrayBuffer (and so
// `Atomics.wait`). The isolate holds nothing of the host whatever runs in it; this only narrows what a
// pipeline can ask of V8.

const refuse = function refused(): never {
  throw new EvalError("code generation from strings is not available to pipelines");
};
const samples = [() => {}, async () => {}, function* () {}, async function* () {}];
const prototypes: object[] = samples.map((sample) => Object.getPrototypeOf(sample));
// `value instanceof Function` still holds for every function.
refuse.prototype = prototypes[0];
for (const prototype of prototypes) {
  Object.defineProperty(prototype, "constructor", { value: refuse, writable: false, configurable: false });
}
Object.defineProperty(globalThis, "Function", { value: refuse, writable: false, configurable: false });
const isolateGlobal = globalThis as unknown as Record<string, unknown>;
delete isolateGlobal.eval;
delete isolateGlobal.WebAssembly;
delete isolateGlobal.SharedArrayBuffer;
