import type { VastApi } from '../core/vast/api.js';

/**
 * A VastApi whose calls wait for the real one. `--demo` hands this to the TUI so the first frame is painted
 * while the in-process simulator is still starting (ENGINEERING.md rule 5: paint first, fetch later).
 */
export function deferredApi(ready: Promise<VastApi>): VastApi {
  // A failed start must surface through the calls that wait on it, not as an unhandled rejection.
  ready.catch(() => undefined);
  return new Proxy({} as VastApi, {
    get(_target, prop) {
      return async (...args: unknown[]) => {
        const api = await ready;
        const fn = (api as unknown as Record<PropertyKey, unknown>)[prop];
        if (typeof fn !== 'function') throw new TypeError(`VastApi has no method ${String(prop)}`);
        return (fn as (...a: unknown[]) => unknown).apply(api, args);
      };
    },
  });
}
