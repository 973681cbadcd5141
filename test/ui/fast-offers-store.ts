/**
 * An OffersStore on a fast clock for the offer-browser frame tests: Vast's search spacing (one search per 6 s)
 * holds exactly on the store's own clock, but each wait takes `realMs` of real time, so a test that runs several
 * server searches does not sit through 6 s per search.
 */
import { OffersStore } from '../../src/core/offers/store.js';
import type { VastApi } from '../../src/core/vast/api.js';

/** The store and the api it searches through (set by mountOffers' `prepare`, which runs before any search). */
export function fastOffersStore(realMs = 150): {
  store: OffersStore;
  prepare: (api: Pick<VastApi, 'searchOffers'>) => Promise<void>;
} {
  let api: Pick<VastApi, 'searchOffers'> | undefined;
  let clock = Date.now();
  const store = new OffersStore({
    api: { searchOffers: (...a) => api!.searchOffers(...a) },
    now: () => clock,
    // A wait of `ms` on the store's clock: the clock jumps by ms when the (short) real timer fires.
    setTimer: (fn, ms) => setTimeout(() => ((clock += ms), fn()), Math.min(ms, realMs)),
    clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
  });
  return { store, prepare: async (a) => void (api = a) };
}
