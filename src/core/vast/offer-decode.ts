/**
 * Decoding a big offer list without freezing the TUI. 10,000 offers are 13–17 MB of JSON; one
 * JSON.parse of that blocks the event loop 55–100 ms (ENGINEERING.md rule 5; bench/offers.bench.ts
 * measured 88 ms p99 loop delay before this file chunked it) against a 30 ms p99 budget. So the
 * text is cut into batches of whole offer objects by a small scanner, each batch parsed on its own,
 * and validation and conversion run in chunks too, yielding to the loop between batches.
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

/** Validates and converts wire rows in chunks of `chunk`, yielding to the loop once a slice has run ~6 ms. */
export async function decodeOffers(rows: readonly unknown[], chunk = 100): Promise<DecodedOffers> {
  const offers: Offer[] = [];
  let skipped = 0;
  let sliceStart = performance.now();
  for (let i = 0; i < rows.length; i += chunk) {
    const end = Math.min(rows.length, i + chunk);
    for (let j = i; j < end; j++) {
      const r = WireOffer.safeParse(rows[j]);
      if (r.success) offers.push(offerFromWire(r.data));
      else skipped++;
    }
    if (end < rows.length && performance.now() - sliceStart >= SLICE_MS) {
      await yieldToLoop();
      sliceStart = performance.now();
    }
  }
  return { offers, skipped };
}

/** Bodies below this size are parsed in one go: chunking costs more than it saves. */
export const CHUNK_THRESHOLD = 1_000_000;
/** Offer objects per JSON.parse batch (~0.3 MB, 1–2 ms). */
const BATCH = 150;
/** Longest synchronous stretch before yielding, ms. Well under the 30 ms p99 budget. */
const SLICE_MS = 6;
const utf8 = new TextDecoder();
const OFFERS_KEY = /"offers"\s*:\s*$/;

/**
 * A resumable byte scanner over `{"offers":[{...},{...}]}`: it finds where each offer object starts
 * and ends without parsing it. Scanning BYTES, not a string, skips decoding 17 MB into one string
 * (~55 ms alone); it is safe because JSON's structural characters are ASCII and every UTF-8
 * continuation byte is ≥ 0x80. The hot loop is a plain synchronous method so V8 optimizes it.
 */
class OfferScanner {
  pos = 0;
  depth = 0;
  inStr = false;
  inOffers = false;
  sawOffers = false;
  elemStart = -1;
  batchStart = -1;
  batchEnd = -1;
  batchCount = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** Scans up to `maxBytes` more; 'batch' when a batch is full, 'end' at the end, 'bad' on an unexpected shape. */
  step(maxBytes: number): 'batch' | 'more' | 'end' | 'bad' {
    const b = this.bytes;
    const stop = Math.min(b.length, this.pos + maxBytes);
    let { depth, inStr, inOffers } = this;
    let i = this.pos;
    let out: 'batch' | 'more' | 'end' | 'bad' = stop >= b.length ? 'end' : 'more';
    for (; i < stop; i++) {
      const c = b[i]!;
      if (inStr) {
        if (c === 92)
          i++; // backslash: skip the escaped byte
        else if (c === 34) inStr = false;
        continue;
      }
      if (c === 34) {
        inStr = true;
      } else if (c === 123 || c === 91) {
        if (inOffers && depth === 2) {
          if (c !== 123) return this.save(i, depth, inStr, inOffers, 'bad'); // a non-object row
          this.elemStart = i;
        }
        if (depth === 1 && c === 91 && OFFERS_KEY.test(utf8.decode(b.subarray(Math.max(0, i - 40), i)))) {
          if (this.sawOffers) return this.save(i, depth, inStr, inOffers, 'bad');
          inOffers = this.sawOffers = true;
        }
        depth++;
      } else if (c === 125 || c === 93) {
        depth--;
        if (depth < 0) return this.save(i, depth, inStr, inOffers, 'bad');
        if (inOffers && depth === 2 && c === 125) {
          if (this.batchStart < 0) this.batchStart = this.elemStart;
          this.batchEnd = i + 1;
          if (++this.batchCount >= BATCH) {
            i++;
            out = 'batch';
            break;
          }
        } else if (inOffers && depth === 1) {
          inOffers = false;
        }
      } else if (inOffers && depth === 2 && c !== 44 && c !== 32 && c !== 10 && c !== 13 && c !== 9) {
        return this.save(i, depth, inStr, inOffers, 'bad'); // null, numbers or strings as rows
      }
    }
    if (out === 'more' && i >= b.length) out = 'end';
    return this.save(i, depth, inStr, inOffers, out);
  }

  /** Parses the pending batch: the offers between batchStart and batchEnd are valid array content. */
  takeBatch(): unknown[] {
    if (this.batchCount === 0) return [];
    const rows = JSON.parse(`[${utf8.decode(this.bytes.subarray(this.batchStart, this.batchEnd))}]`) as unknown[];
    this.batchCount = 0;
    this.batchStart = -1;
    return rows;
  }

  /** True when the whole body was one well-nested object holding one offers array. */
  complete(): boolean {
    return this.sawOffers && this.depth === 0 && !this.inStr;
  }

  private save<T>(i: number, depth: number, inStr: boolean, inOffers: boolean, out: T): T {
    this.pos = i;
    this.depth = depth;
    this.inStr = inStr;
    this.inOffers = inOffers;
    return out;
  }
}

/**
 * Scans an `{"offers":[...]}` body and hands each parsed batch of rows to `onBatch`, in slices of at
 * most ~SLICE_MS that yield to the loop. False when the body is not that shape (or not JSON): the
 * caller then parses it whole, which reports the problem precisely. Batches already handed over stay
 * handed over, so a caller that falls back must discard what it collected.
 */
export async function scanOffers(bytes: Uint8Array, onBatch: (rows: unknown[]) => void): Promise<boolean> {
  const sc = new OfferScanner(bytes);
  let sliceStart = performance.now();
  for (;;) {
    const r = sc.step(256 * 1024);
    if (r === 'bad') return false;
    if (r === 'batch' || r === 'end') {
      let part: unknown[];
      try {
        part = sc.takeBatch();
      } catch {
        return false;
      }
      onBatch(part);
    }
    if (r === 'end') return sc.complete();
    if (performance.now() - sliceStart >= SLICE_MS) {
      await yieldToLoop();
      sliceStart = performance.now();
    }
  }
}

/** Every row of a big `{"offers":[...]}` body, or null when it is not that shape. */
export async function splitOffers(bytes: Uint8Array): Promise<unknown[] | null> {
  const rows: unknown[] = [];
  return (await scanOffers(bytes, (part) => rows.push(...part))) ? rows : null;
}

/**
 * A big offers body straight to domain offers, batch by batch. Each parsed batch is validated and
 * converted at once so the raw rows die young: keeping all 10,000 raw rows alive until the end made
 * V8's young-generation scavenges copy them, 20–95 ms pauses measured with --trace-gc.
 */
export async function decodeOffersBody(bytes: Uint8Array): Promise<(DecodedOffers & { received: number }) | null> {
  const offers: Offer[] = [];
  let skipped = 0;
  let received = 0;
  const ok = await scanOffers(bytes, (rows) => {
    received += rows.length;
    for (const row of rows) {
      const r = WireOffer.safeParse(row);
      if (r.success) offers.push(offerFromWire(r.data));
      else skipped++;
    }
  });
  return ok ? { offers, skipped, received } : null;
}
