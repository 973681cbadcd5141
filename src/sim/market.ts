/**
 * The offer market: search (`POST /api/v0/bundles/`) over the generated rows, and renting, which takes an
 * offer off the market until its instance is destroyed. Price fields depend on the query (`type`,
 * `allocated_storage`), so they are derived per query: storage_total_cost = storage_cost × GB / 720.
 */
import { allOf, compareValues, compileField, type Getter, type Predicate, type SortKey } from './filter-language.js';
import { generateOffers, type MarketConfig, type OfferRow } from './market-offers.js';

/** The control keys of a search body; every other key is a field filter. */
const CONTROL = new Set([
  'order',
  'type',
  'limit',
  'allocated_storage',
  'disable_bundling',
  'extra_ids',
  'show_incompatible',
]);
/** CLI field names the server also understands (vast-api.md §2 "Field aliases"). */
const ALIASES: Record<string, string> = {
  cuda_vers: 'cuda_max_good',
  dph: 'dph_total',
  dlperf_usd: 'dlperf_per_dphtotal',
  flops_usd: 'flops_per_dphtotal',
  display_active: 'gpu_display_active',
};
/** Highest `limit` the simulator serves (real Vast caps lower; tests and benchmarks want 10,000). */
export const MAX_SEARCH_LIMIT = 10_000;
/** Server default `limit` (a third-party report puts the real one at 64). */
export const DEFAULT_SEARCH_LIMIT = 64;

/** A parsed search. */
export interface SearchQuery {
  filters: Record<string, Record<string, unknown>>;
  order: Array<[string, 'asc' | 'desc']>;
  type: 'on-demand' | 'bid' | 'reserved';
  limit: number;
  allocatedStorage: number;
}

/** Thrown for a search body the server refuses (answered as 400 invalid_args). */
export class QueryError extends Error {}

/** Turn a raw search body into a query, or throw QueryError naming the bad key. */
export function parseSearch(body: Record<string, unknown>): SearchQuery {
  const filters: SearchQuery['filters'] = {};
  for (const [key, value] of Object.entries(body)) {
    if (CONTROL.has(key)) continue;
    const field = ALIASES[key] ?? key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      filters[field] = value as Record<string, unknown>;
    else filters[field] = { eq: value };
  }
  const order: SearchQuery['order'] = [];
  if (body.order !== undefined) {
    if (!Array.isArray(body.order)) throw new QueryError('order: expected a list of [field, "asc"|"desc"]');
    for (const item of body.order) {
      if (!Array.isArray(item) || typeof item[0] !== 'string')
        throw new QueryError('order: expected [field, "asc"|"desc"] pairs');
      const dir = String(item[1] ?? 'asc').toLowerCase();
      order.push([ALIASES[item[0]] ?? item[0], dir === 'desc' ? 'desc' : 'asc']);
    }
  } else order.push(['score', 'desc']);
  const rawType = body.type ?? 'on-demand';
  const type =
    rawType === 'bid' || rawType === 'interruptible' ? 'bid' : rawType === 'reserved' ? 'reserved' : 'on-demand';
  if (!['on-demand', 'ondemand', 'bid', 'interruptible', 'reserved'].includes(String(rawType)))
    throw new QueryError(`type: unknown ${String(rawType)}`);
  const limit = body.limit === undefined || body.limit === null ? DEFAULT_SEARCH_LIMIT : Number(body.limit);
  if (!Number.isFinite(limit)) throw new QueryError('limit: expected an integer');
  const storage =
    body.allocated_storage === undefined || body.allocated_storage === null ? 5 : Number(body.allocated_storage);
  if (!Number.isFinite(storage) || storage < 0) throw new QueryError('allocated_storage: expected a number of GB');
  return {
    filters,
    order,
    type,
    limit: Math.max(1, Math.min(MAX_SEARCH_LIMIT, Math.floor(limit))),
    allocatedStorage: storage,
  };
}

/** The market of offers, with the ids currently rented. */
export class Market {
  /** All rows, score-descending. */
  readonly rows: OfferRow[];
  private readonly byId = new Map<number, OfferRow>();
  private readonly known: Set<string>;
  private readonly rented = new Set<number>();
  private readonly jsonCache = new Map<number, string>();

  constructor(cfg: MarketConfig) {
    this.rows = generateOffers(cfg);
    for (const r of this.rows) this.byId.set(r.id, r);
    this.known = new Set(this.rows.length ? Object.keys(this.rows[0]!) : []);
    for (const f of ['verified', 'datacenter', 'dph_total', 'discounted_dph_total']) this.known.add(f);
  }

  /** The offer row by id (rented or not), for pricing a new instance. */
  get(id: number): OfferRow | undefined {
    return this.byId.get(id);
  }

  /** True when the offer exists and nobody rents it. */
  isAvailable(id: number): boolean {
    return this.byId.has(id) && !this.rented.has(id);
  }

  /** Take an offer off the market (an instance now holds it). */
  take(id: number): void {
    this.rented.add(id);
  }

  /** Put an offer back (its instance was destroyed). */
  release(id: number): void {
    this.rented.delete(id);
  }

  /** The rented offer ids (for the state file). */
  rentedIds(): number[] {
    return [...this.rented];
  }

  /** Distinct GPU names on the market, sorted. */
  gpuNames(): string[] {
    return [...new Set(this.rows.map((r) => r.gpu_name))].sort();
  }

  /** Run a search: filter, order, limit; rows come back priced for the query. */
  search(q: SearchQuery): Record<string, unknown>[] {
    return this.select(q).map((r) => priced(r, q));
  }

  /**
   * The same search serialised as the response body `{"offers":[...]}`. Each row's query-independent
   * part is stringified once and cached, so a 10,000-row answer costs a string join, not 10,000 stringifies.
   */
  searchJson(q: SearchQuery): string {
    const parts = this.select(q).map((r) => {
      let s = this.jsonCache.get(r.id);
      if (s === undefined) {
        const rest: Record<string, unknown> = { ...r };
        for (const f of PRICE_FIELDS) delete rest[f];
        s = JSON.stringify(rest).slice(0, -1);
        this.jsonCache.set(r.id, s);
      }
      return s + JSON.stringify(priceFields(r, q)).replace('{', ',');
    });
    return `{"offers":[${parts.join(',')}]}`;
  }

  /** Filter, order and limit (rows unpriced). */
  private select(q: SearchQuery): OfferRow[] {
    const get = (f: string) => this.getter(f, q);
    const preds: Predicate<OfferRow>[] = [];
    for (const [field, ops] of Object.entries(q.filters)) {
      if (!this.known.has(field)) continue; // unknown fields are ignored, as the real server does
      try {
        preds.push(field === 'geolocation' ? geoPredicate(ops) : compileField(get(field), ops));
      } catch (e) {
        throw new QueryError(`${field}: ${(e as Error).message}`);
      }
    }
    if (q.type === 'reserved') preds.push((r) => r.credit_discount_max > 0);
    const test = allOf(preds);
    const isDefaultOrder = q.order.length === 1 && q.order[0]![0] === 'score' && q.order[0]![1] === 'desc';
    const hits: OfferRow[] = [];
    for (const r of this.rows) {
      if (this.rented.has(r.id) || !test(r)) continue;
      hits.push(r);
      if (isDefaultOrder && hits.length >= q.limit) break; // rows are already score-descending
    }
    if (isDefaultOrder) return hits;
    return sortRows(
      hits,
      q.order.map(([f, dir]) => ({ get: get(f), desc: dir === 'desc' })),
      q.limit,
    );
  }

  private getter(field: string, q: SearchQuery): Getter<OfferRow> {
    const k = q.allocatedStorage / 720;
    const base = q.type === 'bid' ? (r: OfferRow) => r.min_bid : (r: OfferRow) => r.dph_base;
    const total = (r: OfferRow) => base(r) + r.storage_cost * k;
    switch (field) {
      case 'dph_total':
        return total;
      case 'storage_total_cost':
        return (r) => r.storage_cost * k;
      case 'discounted_dph_total':
        return (r) => r.dph_base * (1 - r.credit_discount_max) + r.storage_cost * k;
      case 'dlperf_per_dphtotal':
        return (r) => r.dlperf / total(r);
      case 'flops_per_dphtotal':
        return (r) => r.total_flops / total(r);
      case 'verified':
        return (r) => r.verification === 'verified';
      case 'datacenter':
        return (r) => r.hosting_type === 1;
      default:
        return (r) => r[field];
    }
  }
}

/** Geolocation filters use 2-letter country codes (`{"in":["US","CA"]}`); a full string also matches. */
function geoPredicate(ops: Record<string, unknown>): Predicate<OfferRow> {
  const code = (r: OfferRow) => String(r.geolocation ?? '').slice(-2);
  const inner = compileField<OfferRow>(code, ops);
  const full = compileField<OfferRow>((r) => r.geolocation, ops);
  const negative = 'neq' in ops || 'notin' in ops;
  return negative ? (r) => inner(r) && full(r) : (r) => inner(r) || full(r);
}

function r4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** Fields that depend on the query (type, allocated_storage); the rest of a row is fixed. */
const PRICE_FIELDS = [
  'dph_total',
  'storage_total_cost',
  'discounted_dph_total',
  'is_bid',
  'dlperf_per_dphtotal',
  'flops_per_dphtotal',
  'search',
  'instance',
];

/** The query-dependent fields of a row. */
function priceFields(r: OfferRow, q: SearchQuery): Record<string, unknown> {
  const storage = r4((r.storage_cost * q.allocatedStorage) / 720);
  const base = q.type === 'bid' ? r.min_bid : r.dph_base;
  const total = r4(base + storage);
  const discounted = r4(r.dph_base * (1 - r.credit_discount_max) + storage);
  const prices = {
    gpuCostPerHour: base,
    diskHour: storage,
    totalHour: total,
    discountTotalHour: r4(total - discounted),
    discountedTotalPerHour: discounted,
  };
  return {
    dph_total: total,
    storage_total_cost: storage,
    discounted_dph_total: discounted,
    is_bid: q.type === 'bid',
    dlperf_per_dphtotal: r4(r.dlperf / total),
    flops_per_dphtotal: r4(r.total_flops / total),
    search: prices,
    instance: prices,
  };
}

/** A copy of the row priced for this query. */
function priced(r: OfferRow, q: SearchQuery): Record<string, unknown> {
  return { ...r, ...priceFields(r, q) };
}

/** Sort by precomputed keys (one getter call per row and key, not per comparison), id as tie-break. */
function sortRows(rows: OfferRow[], keys: SortKey<OfferRow>[], limit: number): OfferRow[] {
  const cols = keys.map((k) => rows.map(k.get));
  const idx = rows.map((_, i) => i);
  const numeric = cols.map((c) => c.every((v) => typeof v === 'number'));
  idx.sort((a, b) => {
    for (let k = 0; k < keys.length; k++) {
      const col = cols[k]!;
      const c = numeric[k] ? (col[a] as number) - (col[b] as number) : compareValues(col[a], col[b]);
      if (c !== 0) return keys[k]!.desc ? -c : c;
    }
    return rows[a]!.id - rows[b]!.id;
  });
  return idx.slice(0, limit).map((i) => rows[i]!);
}
