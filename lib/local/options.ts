/**
 * `{ ...defaults, ...options }`, except that an option explicitly set to `undefined` keeps its default (callers
 * forward optional settings as `port: options.ports?.s3`).
 */
export function withDefaults<D extends object, O extends object>(defaults: D, options: O): D & O {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return { ...defaults, ...defined } as D & O;
}
