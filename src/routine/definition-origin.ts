/**
 * @internal Whether code is running inside the constructor of `instance`'s own class (or
 * of a class between it and RoutineBase), or inside its `setConfig`: a function a routine
 * sets while its constructor runs is defined by the class, and a new instance of the class
 * sets it again; one it sets in reaction to its configuration is set again when a document
 * applies the (serialized) configuration. Either way a document need not carry it. A
 * function set any other time was attached from outside.
 * See docs/decisions/0005-attached-functions.md.
 *
 * It reads the call stack through V8's structured stack trace API (Node only, which is
 * what routilux runs on): a constructor frame whose function is one of the classes in
 * `instance`'s prototype chain, or a `setConfig` frame whose receiver is of that class. No
 * second instance is created.
 */
export function inOwnConstructor(instance: object, stop: Function): boolean {
  const classes = new Set<string>();
  for (let p = Object.getPrototypeOf(instance) as object | null; p !== null && p !== stop.prototype && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    const name = (p as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && name.length > 0) classes.add(name);
  }
  if (classes.size === 0) return false;
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  try {
    Error.stackTraceLimit = 200;
    Error.prepareStackTrace = (_error, sites) => sites;
    Error.captureStackTrace(holder, inOwnConstructor);
    const sites = holder.stack;
    if (!Array.isArray(sites)) return false;
    const own = (instance as { constructor?: { name?: unknown } }).constructor?.name;
    return sites.some(
      (site) => (site.isConstructor() && classes.has(site.getFunctionName() ?? '')) || (site.getFunctionName() === 'setConfig' && site.getTypeName() === own),
    );
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}
