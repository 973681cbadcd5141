/**
 * Decoding a big offer list without freezing the TUI. 10,000 offers are ~13 MB of JSON; one
 * JSON.parse of that blocks the event loop ~100 ms (ENGINEERING.md rule 5) against a 30 ms p99
 * budget. So validation and conversion run in chunks that yield to the loop between them.
 *
 * Bad rows: a row that fails validation is skipped and counted, not fatal. One sloppy host among
 * thousands must not blank the whole market; the count is reported so it is never silent. (Instances
 * and charges are the opposite: a dropped instance hides spend, so there a bad row fails the call.)
 */
import { WireOffer } from './schemas.js';
import { offerFromWire } from './units.js';
import type { Offer } from './types.js';

/** Result of decoding offer rows. */
export interface DecodedOffers {
  offers: Offer[];
  /** Rows that failed validation and were left out. */
  skipped: number;
}

/** Lets timers and I/O run between chunks. */
export const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Validates and converts wire rows in chunks of `chunk`, yielding to the event loop between chunks. */
export async function decodeOffers(rows: readonly unknown[], chunk = 500): Promise<DecodedOffers> {
  const offers: Offer[] = [];
  let skipped = 0;
  for (let i = 0; i < rows.length; i += chunk) {
    const end = Math.min(rows.length, i + chunk);
    for (let j = i; j < end; j++) {
      const r = WireOffer.safeParse(rows[j]);
      if (r.success) offers.push(offerFromWire(r.data));
      else skipped++;
    }
    if (end < rows.length) await yieldToLoop();
  }
  return { offers, skipped };
}
