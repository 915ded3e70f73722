// Sealing the DSL's realm: plain JavaScript appended to the DSL script after the harness. The worker runs
// the DSL once per version in a realm of its own and lends it to every build (each build's pipeline still
// runs in a fresh context), so the DSL's code keeps V8's type feedback from one build to the next. What
// makes that safe is `seal()`, which the worker calls before the realm serves any build:
// - the DSL's own objects (its namespace, every class, prototype and function reachable from it, and the
//   harness) are frozen: no build can replace a method another build calls;
// - every other object reachable from the realm's global (the intrinsics: Object, Array.prototype, Error,
//   …) is recorded as it is, and `intact()` tells whether any of them changed: a build that changed one
//   gets the realm thrown away before the next build runs. The intrinsics are not frozen because freezing
//   them invalidates V8's fast-path guards (protectors) for the whole process: builds got ~1 ms slower;
// - RegExp's legacy statics (`RegExp.$1`, `RegExp.input`, …) are deleted: they hold the last match of any
//   regular expression in the realm, one build's data for the next to read. (The worker removes `WeakRef`
//   and `FinalizationRegistry` from every context it makes, this one included.)
// The DSL keeps module-level state only in closures the namespace does not expose (the call-site mode,
// which the harness sets on every build, and WeakMaps keyed by a build's own objects).
// Sealing costs ~10-15 ms on a cold process, so the worker's first realm serves its first build unsealed
// and is then dropped: a one-build CLI process never pays for it.

/**
 * The script that gives the harness at `globalThis[harnessGlobal]` its `seal()`: the worker calls it, before
 * any build ran in the realm, to make a realm it may lend; it replaces the harness with a frozen one that has
 * `intact()` and no `seal`, and returns it. A realm the worker did not seal serves one build only.
 */
export const sealSource = (dslGlobal: string, harnessGlobal: string): string => `
;(function (dsl, harness, global, Object, Reflect, Set, RegExp) {
  "use strict";
  const { ownKeys, getOwnPropertyDescriptor, getPrototypeOf, isExtensible } = Reflect;
  const { freeze, isFrozen, is } = Object;
  const isObject = (value) => (typeof value === "object" && value !== null) || typeof value === "function";
  // Every object reachable from roots through prototypes and own properties (getters and setters as the
  // functions they are, never called), except those in stop.
  function reachable(roots, stop) {
    const found = new Set();
    const queue = [...roots];
    while (queue.length > 0) {
      const value = queue.pop();
      if (!isObject(value) || found.has(value) || stop.has(value)) continue;
      found.add(value);
      queue.push(getPrototypeOf(value));
      for (const key of ownKeys(value)) {
        const descriptor = getOwnPropertyDescriptor(value, key);
        if (descriptor) queue.push(descriptor.value, descriptor.get, descriptor.set);
      }
    }
    return found;
  }
  const same = (a, b) =>
    a === b ||
    (a !== undefined && b !== undefined && is(a.value, b.value) && a.get === b.get && a.set === b.set &&
      a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable);
  let sealed;
  function seal() {
    if (sealed !== undefined) throw new Error("the realm is sealed already");
    for (const key of ownKeys(RegExp)) {
      const descriptor = getOwnPropertyDescriptor(RegExp, key);
      if (typeof key === "string" && descriptor && descriptor.get) delete RegExp[key];
    }
    const objects = [];
    const prototypes = [];
    const extensible = [];
    const keys = [];
    const descriptors = [];
    // Reads only property descriptors of the realm's own objects: no getter or proxy trap runs.
    function intact() {
      for (let i = 0; i < objects.length; i++) {
        const value = objects[i];
        if (getPrototypeOf(value) !== prototypes[i] || isExtensible(value) !== extensible[i]) return false;
        const was = keys[i];
        const now = ownKeys(value);
        if (now.length !== was.length) return false;
        for (let k = 0; k < was.length; k++) {
          if (now[k] !== was[k] || !same(getOwnPropertyDescriptor(value, was[k]), descriptors[i][k])) return false;
        }
      }
      return true;
    }
    sealed = { bind: harness.bind, evaluateBound: harness.evaluateBound, intact };
    global.${harnessGlobal} = sealed;
    // The namespace's exports are getters (esbuild's): their values are read here, before any build.
    const dslRoots = [dsl, sealed, ...ownKeys(dsl).map((key) => dsl[key])];
    const intrinsics = reachable([global], new Set(dslRoots));
    for (const value of reachable(dslRoots, intrinsics)) freeze(value);
    for (const value of intrinsics) {
      if (isFrozen(value)) continue;
      const own = ownKeys(value);
      objects.push(value);
      prototypes.push(getPrototypeOf(value));
      extensible.push(isExtensible(value));
      keys.push(own);
      descriptors.push(own.map((key) => getOwnPropertyDescriptor(value, key)));
    }
    return sealed;
  }
  harness.seal = seal;
})(globalThis.${dslGlobal}, globalThis.${harnessGlobal}, globalThis, Object, Reflect, Set, RegExp);
`;
