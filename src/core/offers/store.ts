/**
 * The offers store: one offer search at a time, spaced to respect Vast's search limit (10 a minute, so never
 * more than one every 6 s; vast-api.md rate limits), keeping the last good result on screen when a search
 * fails. Filtering and sorting for keystrokes happen in memory (view.ts), never through a new search.
 */
import type { VastApi } from '../vast/api.js';
import type { OfferQuery } from '../vast/offer-query.js';
import type { Offer } from '../vast/types.js';

/** Vast allows 10 searches a minute: one every 6 s keeps a steady refresher under it. */
export const SEARCH_SPACING_MS = 6_000;

/** What the UI reads; immutable, replaced on every change. */
export interface OffersSnapshot {
  /** Offers of the last good search (kept when a later one fails). */
  readonly offers: readonly Offer[];
  /** Query that produced `offers` (null before the first success). */
  readonly query: OfferQuery | null;
  /** A search is running now. */
  readonly loading: boolean;
  /** A search is waiting for the rate limit; it starts at `nextAllowedAt`. */
  readonly queued: boolean;
  /** Last search's failure, cleared by the next success. */
  readonly error: { kind: string; message: string } | null;
  /** When `offers` arrived (epoch ms), null before the first success. */
  readonly fetchedAt: number | null;
  /** Earliest time the next search may start (epoch ms). */
  readonly nextAllowedAt: number;
  /** Bumped on every new result, so views can memoise per result. */
  readonly generation: number;
}

/** Options of OffersStore. */
export interface OffersStoreOptions {
  api: Pick<VastApi, 'searchOffers'>;
  now?: () => number;
  /** Minimum spacing between search starts (default SEARCH_SPACING_MS). */
  spacingMs?: number;
  /** Extra wait after a 429 on top of the spacing (default 10 s). */
  rateLimitedMs?: number;
  /** Timer functions (tests pass fake ones). */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

const EMPTY: OffersSnapshot = {
  offers: [],
  query: null,
  loading: false,
  queued: false,
  error: null,
  fetchedAt: null,
  nextAllowedAt: 0,
  generation: 0,
};

/** One search at a time, latest query wins, spaced by the rate limit; subscribe/getSnapshot for React. */
export class OffersStore {
  private snap: OffersSnapshot = EMPTY;
  private readonly listeners = new Set<() => void>();
  private wanted: OfferQuery | null = null;
  private running = false;
  private timer: unknown = null;
  private stopped = false;
  private waiters: (() => void)[] = [];
  private readonly now: () => number;
  private readonly spacing: number;
  private readonly rateLimited: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (h: unknown) => void;

  constructor(private readonly opts: OffersStoreOptions) {
    this.now = opts.now ?? Date.now;
    this.spacing = opts.spacingMs ?? SEARCH_SPACING_MS;
    this.rateLimited = opts.rateLimitedMs ?? 10_000;
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  }

  /** Registers a change listener; returns the unsubscribe function. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The current snapshot (same object until something changes). */
  getSnapshot = (): OffersSnapshot => this.snap;

  /**
   * Asks for a search. A search already running or waiting for the rate limit is not duplicated: the latest
   * query replaces any waiting one. Resolves when no search is running or waiting any more.
   */
  search(query: OfferQuery): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.wanted = query;
    const done = new Promise<void>((r) => this.waiters.push(r));
    this.kick();
    return done;
  }

  /** Searches again with the query of the last result (or the waiting one). */
  refresh(): Promise<void> {
    const q = this.wanted ?? this.snap.query;
    return q ? this.search(q) : Promise.resolve();
  }

  /** Milliseconds since the last result arrived, on the store's clock (the rate limit's); null before one. */
  ageMs(): number | null {
    return this.snap.fetchedAt === null ? null : Math.max(0, this.now() - this.snap.fetchedAt);
  }

  /** Milliseconds until a new search may start (0 when it may start now). */
  waitMs(): number {
    return Math.max(0, this.snap.nextAllowedAt - this.now());
  }

  /** Cancels a waiting search and ignores any running one's result. */
  stop(): void {
    this.stopped = true;
    this.wanted = null;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    this.release();
  }

  private kick(): void {
    if (this.running || this.timer !== null || this.stopped || !this.wanted) {
      if (!this.running && this.timer === null && !this.wanted) this.release();
      return;
    }
    const wait = this.snap.nextAllowedAt - this.now();
    if (wait > 0) {
      this.timer = this.setTimer(() => {
        this.timer = null;
        this.kick();
      }, wait);
      if (!this.snap.queued) this.set({ queued: true });
      return;
    }
    const query = this.wanted;
    this.wanted = null;
    this.running = true;
    this.set({ loading: true, queued: false, nextAllowedAt: this.now() + this.spacing });
    void this.run(query);
  }

  private async run(query: OfferQuery): Promise<void> {
    try {
      const offers = await this.opts.api.searchOffers(query);
      if (this.stopped) return;
      this.set({ offers, query, error: null, fetchedAt: this.now(), generation: this.snap.generation + 1 });
    } catch (err) {
      if (this.stopped) return;
      const kind = String((err as { kind?: unknown }).kind ?? 'error');
      const message = String((err as Error).message ?? err)
        .split('\n')[0]!
        .slice(0, 200);
      // After a 429 the bucket is empty: wait longer than the plain spacing before the next try.
      const next =
        kind === 'rate_limited'
          ? Math.max(this.snap.nextAllowedAt, this.now() + this.rateLimited)
          : this.snap.nextAllowedAt;
      this.set({ error: { kind, message }, nextAllowedAt: next });
    } finally {
      this.running = false;
      if (!this.stopped) {
        this.set({ loading: false });
        this.kick();
      }
    }
  }

  private release(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }

  private set(patch: Partial<OffersSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l();
  }
}
