/**
 * In-memory filtering and sorting of loaded offers, pure, for keystrokes: the filter line takes the CLI's
 * query syntax (vast/offer-query.ts) and is evaluated here against domain offers, so typing never costs a search.
 * Sorting is stable with an id tie-break so rows never jitter between frames (lazydocker's rule).
 */
import {
  OfferQueryError,
  parseOfferQuery,
  splitQueryText,
  type FilterValue,
  type OfferQuery,
  type Op,
} from '../vast/offer-query.js';
import type { Offer } from '../vast/types.js';
import type { Verdict } from '../checks/types.js';

/** Sortable offer columns. */
export const OFFER_SORT_KEYS = [
  'gpu',
  'count',
  'vram',
  'ram',
  'disk',
  'down',
  'up',
  'rel',
  'price',
  'dlperf',
  'location',
  'cuda',
  'fit',
  'id',
] as const;
/** One sortable column. */
export type OfferSortKey = (typeof OFFER_SORT_KEYS)[number];

/** How the browser shows offers: filter text, sort, quick toggles. */
export interface OfferView {
  filter: string;
  sort: OfferSortKey;
  desc: boolean;
  /** Only verified hosts. */
  verifiedOnly: boolean;
  /** Hide offers the checks say fail. */
  hideFails: boolean;
}

/** The default view: cheapest first, everything shown. */
export const DEFAULT_OFFER_VIEW: OfferView = {
  filter: '',
  sort: 'price',
  desc: false,
  verifiedOnly: false,
  hideFails: false,
};

type Getter = (o: Offer) => number | string | boolean | null;

/** Query fields evaluated locally, in the user units the query holds (GB, Mbps, 0–1, days). */
const FIELDS: Record<string, Getter> = {
  id: (o) => o.id,
  machine_id: (o) => o.machineId,
  host_id: (o) => o.hostId,
  gpu_name: (o) => o.gpuName,
  num_gpus: (o) => o.numGpus,
  gpu_ram: (o) => o.gpuRamGb,
  gpu_total_ram: (o) => o.gpuTotalRamGb,
  cpu_ram: (o) => o.cpuRamGb,
  cpu_cores: (o) => o.cpuCores,
  cpu_name: (o) => o.cpuName,
  disk_space: (o) => o.diskGb,
  disk_bw: (o) => o.diskBwMBps,
  inet_down: (o) => o.inetDownMbps,
  inet_up: (o) => o.inetUpMbps,
  reliability: (o) => o.reliability,
  dph_total: (o) => o.dphTotal,
  dph_base: (o) => o.dphBase,
  min_bid: (o) => o.minBid,
  dlperf: (o) => o.dlperf,
  dlperf_per_dphtotal: (o) => o.dlperfPerDph,
  total_flops: (o) => o.totalFlops,
  cuda_max_good: (o) => o.cudaMaxGood,
  compute_cap: (o) => o.computeCap,
  driver_version: (o) => o.driverVersion,
  geolocation: (o) => o.geolocation,
  verified: (o) => o.verified,
  duration: (o) => o.durationDays,
  direct_port_count: (o) => o.directPortCount,
  pcie_bw: (o) => o.pcieBwGBps,
  score: (o) => o.score,
};

/** A compiled filter: a predicate, or the problem with the text. */
export type CompiledFilter = { ok: true; test: (o: Offer) => boolean; fields: string[] } | { ok: false; error: string };

const norm = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

/** compute_cap is typed 8.9 or 890 in queries; offers hold 8.9. */
function unitFix(field: string, v: FilterValue): FilterValue {
  if (field === 'compute_cap' && typeof v === 'number' && v >= 100) return v / 100;
  return v;
}

/** Equality as people mean it: case-insensitive names; a location matches its country code or a part of it. */
function equal(field: string, have: unknown, want: unknown): boolean {
  if (field === 'geolocation' && typeof have === 'string' && typeof want === 'string') {
    const h = have.toLowerCase();
    const w = want.toLowerCase();
    return h === w || h.endsWith(`, ${w}`) || h.includes(w);
  }
  return norm(have) === norm(want);
}

function testOp(field: string, op: Op, have: unknown, want: FilterValue): boolean {
  if (have === null || have === undefined) return op === 'neq' || op === 'notin';
  switch (op) {
    case 'eq':
      return equal(field, have, want);
    case 'neq':
      return !equal(field, have, want);
    case 'in':
      return Array.isArray(want) && want.some((w) => equal(field, have, w));
    case 'notin':
      return !(Array.isArray(want) && want.some((w) => equal(field, have, w)));
    default: {
      if (typeof have !== 'number' || typeof want !== 'number') return false;
      return op === 'gt' ? have > want : op === 'gte' ? have >= want : op === 'lt' ? have < want : have <= want;
    }
  }
}

/** Compiles the filter line. A word without an operator matches GPU name or location (e.g. "4090 US"). */
export function compileOfferFilter(text: string): CompiledFilter {
  const split = splitQueryText(text);
  const clauses = split.clauses;
  const words = split.words.map((w) => w.toLowerCase());
  let q: OfferQuery;
  try {
    q = parseOfferQuery(clauses.join(' '), { filters: {}, order: [], type: 'on-demand', allocatedStorageGb: 5 });
  } catch (err) {
    return { ok: false, error: err instanceof OfferQueryError ? err.message : String(err) };
  }
  const tests: ((o: Offer) => boolean)[] = [];
  const fields: string[] = [];
  for (const [field, ops] of Object.entries(q.filters)) {
    const get = FIELDS[field];
    if (!get) continue; // server-only fields (rentable, external, ...) do not narrow what is loaded
    fields.push(field);
    for (const [op, raw] of Object.entries(ops) as [Op, FilterValue][]) {
      const want = Array.isArray(raw) ? raw.map((v) => unitFix(field, v)) : unitFix(field, raw);
      tests.push((o) => testOp(field, op, get(o), want as FilterValue));
    }
  }
  for (const w of words)
    tests.push((o) => o.gpuName.toLowerCase().includes(w) || (o.geolocation ?? '').toLowerCase().includes(w));
  return { ok: true, test: (o) => tests.every((t) => t(o)), fields };
}

/** The clauses of a filter line that the server understands, as a query over `base` (words are dropped). */
export function serverQuery(text: string, base: OfferQuery): OfferQuery {
  const { clauses } = splitQueryText(text);
  return parseOfferQuery(clauses.join(' '), base);
}

const FIT_RANK: Record<Verdict, number> = { fits: 0, warns: 1, fails: 2 };

/** Columns where more is better: their first sort is descending, so the best offers come first. */
export const BEST_IS_HIGH: ReadonlySet<OfferSortKey> = new Set<OfferSortKey>([
  'count',
  'vram',
  'ram',
  'disk',
  'down',
  'up',
  'rel',
  'dlperf',
  'cuda',
]);

/** The view after a sort key: best first on the first press, reversed on the next. */
export function sortView(v: OfferView, sort: OfferSortKey): OfferView {
  return { ...v, sort, desc: v.sort === sort ? !v.desc : BEST_IS_HIGH.has(sort) };
}

/** Sort value of an offer for a column (numbers ascend, text by locale; unknown values sort last). */
function sortValue(o: Offer, key: OfferSortKey, verdict: Verdict | undefined): number | string | null {
  switch (key) {
    case 'gpu':
      return o.gpuName.toLowerCase();
    case 'count':
      return o.numGpus;
    case 'vram':
      return o.gpuRamGb;
    case 'ram':
      return o.cpuRamGb;
    case 'disk':
      return o.diskGb;
    case 'down':
      return o.inetDownMbps;
    case 'up':
      return o.inetUpMbps;
    case 'rel':
      return o.reliability;
    case 'price':
      return o.dphTotal;
    case 'dlperf':
      return o.dlperfPerDph;
    case 'location':
      return o.geolocation?.toLowerCase() ?? null;
    case 'cuda':
      return o.cudaMaxGood;
    case 'fit':
      return verdict === undefined ? null : FIT_RANK[verdict];
    case 'id':
      return o.id;
  }
}

/**
 * Sorted orders per offer list (and per verdict map for the FIT column): a sort keystroke after the first is a lookup.
 */
const ORDERS = new WeakMap<readonly Offer[], Map<string, readonly Offer[]>>();
const FIT_ORDERS = new WeakMap<ReadonlyMap<number, Verdict>, Map<string, readonly Offer[]>>();

/**
 * The offers sorted by one column, cached per list. Keys are extracted once into an array so the comparator
 * compares plain values; unknown values go last in either direction; equal values keep id order, so the same
 * offers always come out in the same order.
 */
export function sortedOffers(
  offers: readonly Offer[],
  sort: OfferSortKey,
  desc: boolean,
  verdicts?: ReadonlyMap<number, Verdict>,
): readonly Offer[] {
  const cacheKey = `${sort}:${desc ? 'd' : 'a'}`;
  let cache: Map<string, readonly Offer[]> | undefined;
  if (sort === 'fit' && verdicts) {
    cache = FIT_ORDERS.get(verdicts);
    if (!cache) FIT_ORDERS.set(verdicts, (cache = new Map()));
  } else {
    cache = ORDERS.get(offers);
    if (!cache) ORDERS.set(offers, (cache = new Map()));
  }
  const hit = cache.get(cacheKey);
  if (hit && (sort !== 'fit' || hit.length === offers.length)) return hit;
  const n = offers.length;
  const vals: (number | string | null)[] = new Array(n);
  const idx: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    vals[i] = sortValue(offers[i]!, sort, verdicts?.get(offers[i]!.id));
    idx[i] = i;
  }
  const dir = desc ? -1 : 1;
  idx.sort((x, y) => {
    const a = vals[x]!;
    const b = vals[y]!;
    if (a === null || b === null) return a === b ? offers[x]!.id - offers[y]!.id : a === null ? 1 : -1;
    const c = a < b ? -1 : a > b ? 1 : 0;
    return c !== 0 ? c * dir : offers[x]!.id - offers[y]!.id;
  });
  const out = idx.map((i) => offers[i]!);
  cache.set(cacheKey, out);
  return out;
}

/** Filters and sorts, returning a new array (the input is not touched); sorting goes through sortedOffers' cache. */
export function selectOffers(
  offers: readonly Offer[],
  view: OfferView,
  filter: CompiledFilter | null,
  verdicts?: ReadonlyMap<number, Verdict>,
): Offer[] {
  const pred = filter?.ok ? filter.test : null;
  const sorted = sortedOffers(offers, view.sort, view.desc, verdicts);
  if (!pred && !view.verifiedOnly && !view.hideFails) return sorted as Offer[];
  const out: Offer[] = [];
  for (const o of sorted) {
    if (view.verifiedOnly && !o.verified) continue;
    if (view.hideFails && verdicts?.get(o.id) === 'fails') continue;
    if (pred && !pred(o)) continue;
    out.push(o);
  }
  return out;
}
