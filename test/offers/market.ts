/** Domain offers from the simulator's seeded market (real generator, real wire → domain conversion). */
import { Market, parseSearch } from '../../src/sim/market.js';
import { WireOffer } from '../../src/core/vast/schemas.js';
import { offerFromWire } from '../../src/core/vast/units.js';
import type { Offer } from '../../src/core/vast/types.js';

/** `n` offers of a trap-rich market with a fixed seed. */
export function marketOffers(n: number, seed = 7): Offer[] {
  const market = new Market({ seed, size: n, traps: true, gpus: {}, nowMs: Date.UTC(2026, 7, 10) });
  return market
    .search(parseSearch({ limit: Math.min(n, 10_000), type: 'on-demand' }))
    .map((w) => offerFromWire(WireOffer.parse(w)));
}
