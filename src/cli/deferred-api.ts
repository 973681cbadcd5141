import type { VastApi } from '../core/vast/api.js';

/**
 * A VastApi that is made on its first call, and whose calls wait for it. `--demo` hands this to the TUI so the
 * in-process simulator (whose market generation is synchronous work on the same event loop) starts only after
 * the first frame is painted (ENGINEERING.md rule 5: paint first, fetch later).
 */
export function deferredApi(make: () => Promise<VastApi>): VastApi {
  let ready: Promise<VastApi> | undefined;
  let made: VastApi | undefined;
  return new Proxy({} as VastApi, {
    get(_target, prop) {
      // The one synchronous method: the API's clock offset is read inside arithmetic (serverClock), so it must
      // be a number or null, never a Promise; before the API exists the offset is unknown.
      if (prop === 'clockOffsetMs') return () => made?.clockOffsetMs?.() ?? null;
      return async (...args: unknown[]) => {
        ready ??= make().then((api) => (made = api));
        const api = await ready;
        const fn = (api as unknown as Record<PropertyKey, unknown>)[prop];
        if (typeof fn !== 'function') throw new TypeError(`VastApi has no method ${String(prop)}`);
        return (fn as (...a: unknown[]) => unknown).apply(api, args);
      };
    },
  });
}
