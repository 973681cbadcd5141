/**
 * The typed offer query, the CLI's query syntax, and its wire form (vast-api.md §2).
 *
 * Decisions, on purpose different from the CLI:
 * - Unknown field names are an error listing close names (the CLI only warns and sends them; a typo
 *   then silently returns the whole market).
 * - Numbers go on the wire as JSON numbers, not the CLI's strings ("4"); the server accepts both
 *   (vast-api.md §2) and numbers cannot be compared as text by mistake.
 * - A quoted value keeps its underscores ("a_b"); unquoted, `_` becomes a space like the CLI.
 * - compute_cap accepts 8.9 as well as 890.
 */
import { editDistance as distance } from '../util/edit-distance.js';

/** A filter operator. */
export type Op = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'notin';
/** A filter value, in user units. */
export type FilterValue = string | number | boolean | null | Array<string | number | boolean | null>;

/** An offer search. */
export interface OfferQuery {
  /** API field name (aliases resolved) → operator → value, in USER units (GB, days). */
  filters: Record<string, Partial<Record<Op, FilterValue>>>;
  order: Array<[string, 'asc' | 'desc']>;
  type: 'on-demand' | 'bid' | 'reserved';
  limit?: number;
  allocatedStorageGb: number;
}

/** A query text or order the user typed that cannot be used; the message says what to fix. */
export class OfferQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OfferQueryError';
  }
}

type Kind = 'num' | 'str' | 'bool';
const NUM = `bw_nvlink compute_cap cpu_cores cpu_cores_effective cpu_ghz cpu_ram cuda_max_good direct_port_count disk_bw
  disk_space dlperf dlperf_per_dphtotal dph_total dph_base duration flops_per_dphtotal gpu_frac gpu_mem_bw gpu_ram
  gpu_total_ram gpu_max_power gpu_max_temp host_id id inet_down inet_down_cost inet_up inet_up_cost machine_id min_bid
  num_gpus pci_gen pcie_bw reliability storage_cost total_flops score cluster_id credit_discount_max hosting_type
  vram_costperhour has_avx end_date`;
const STR =
  'gpu_name geolocation cpu_arch gpu_arch verification cpu_name disk_name mobo_name public_ipaddr ' +
  'ubuntu_version driver_version';
const BOOL = 'verified external rentable rented datacenter static_ip vms_enabled gpu_display_active is_bid';

/** Offer fields a query may name, with the kind of value each takes. */
export const OFFER_FIELDS: ReadonlyMap<string, Kind> = new Map<string, Kind>([
  ...NUM.split(/\s+/).map((f) => [f, 'num'] as [string, Kind]),
  ...STR.split(/\s+/).map((f) => [f, 'str'] as [string, Kind]),
  ...BOOL.split(/\s+/).map((f) => [f, 'bool'] as [string, Kind]),
]);

/** The CLI's field aliases (vast-api.md §2). `reliability` is deliberately not aliased to reliability2. */
export const FIELD_ALIASES: Readonly<Record<string, string>> = {
  cuda_vers: 'cuda_max_good',
  dph: 'dph_total',
  dlperf_usd: 'dlperf_per_dphtotal',
  flops_usd: 'flops_per_dphtotal',
  display_active: 'gpu_display_active',
};

/** Fields the user types in GB but the wire carries in MB. */
const MB_FIELDS = new Set(['gpu_ram', 'cpu_ram', 'gpu_total_ram']);

const OPS: Record<string, Op> = {
  '=': 'eq',
  '==': 'eq',
  eq: 'eq',
  '!=': 'neq',
  neq: 'neq',
  '>': 'gt',
  gt: 'gt',
  '>=': 'gte',
  gte: 'gte',
  '<': 'lt',
  lt: 'lt',
  '<=': 'lte',
  lte: 'lte',
  in: 'in',
  notin: 'notin',
  nin: 'notin',
};

/** The package CLI's defaults: verified, not external, rentable; best score first; on-demand; 5 GB. */
export function defaultOfferQuery(): OfferQuery {
  return {
    filters: { verified: { eq: true }, external: { eq: false }, rentable: { eq: true } },
    order: [['score', 'desc']],
    type: 'on-demand',
    allocatedStorageGb: 5,
  };
}

/** Resolves an alias and checks the field exists; unknown names throw with close suggestions. */
export function resolveField(name: string): string {
  const f = FIELD_ALIASES[name] ?? name;
  if (OFFER_FIELDS.has(f)) return f;
  const near = closeNames(name);
  const hint = near.length ? `; did you mean ${near.join(', ')}?` : '';
  throw new OfferQueryError(`unknown offer field "${name}"${hint}`);
}

const CLAUSE =
  /([A-Za-z0-9_]+)\s*(>=|<=|!=|==|=|>|<|\s(?:notin|nin|in|neq|eq|gte|gt|lte|lt)\s)\s*(\[[^\]]*\]|"[^"]*"|\S+)/y;

/**
 * Splits a line of the CLI's query syntax into its clauses (`field op value`) and the loose words between them
 * (the offer browser's filter line matches those against GPU name and location).
 */
export function splitQueryText(text: string): { clauses: string[]; words: string[] } {
  const clauses: string[] = [];
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    CLAUSE.lastIndex = i;
    const m = CLAUSE.exec(text);
    if (m) {
      clauses.push(m[0]);
      i = CLAUSE.lastIndex;
    } else {
      const end = text.slice(i).search(/\s/);
      const word = end < 0 ? text.slice(i) : text.slice(i, i + end);
      words.push(word);
      i += word.length;
    }
  }
  return { clauses, words };
}

/** Parses the CLI's query syntax, e.g. `num_gpus>=4 gpu_name=RTX_3090 geolocation in [US,CA] verified=any`. */
export function parseOfferQuery(text: string, base: OfferQuery = defaultOfferQuery()): OfferQuery {
  const q = structuredClone(base);
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    CLAUSE.lastIndex = i;
    const m = CLAUSE.exec(text);
    if (!m)
      throw new OfferQueryError(
        `cannot read the query near "${text.slice(i, i + 30)}": write field op value, e.g. gpu_ram>=24`,
      );
    i = CLAUSE.lastIndex;
    const field = resolveField(m[1]!);
    const op = OPS[m[2]!.trim()]!;
    const raw = m[3]!;
    if (op === 'eq' && (raw === 'any' || raw === '?' || raw === '*')) {
      delete q.filters[field];
      continue;
    }
    let value = parseValue(field, raw);
    if ((op === 'in' || op === 'notin') && !Array.isArray(value)) value = [value];
    q.filters[field] = { ...q.filters[field], [op]: value };
  }
  return q;
}

function parseValue(field: string, raw: string): FilterValue {
  if (raw.startsWith('[') && raw.endsWith(']')) {
    const items = raw
      .slice(1, -1)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length);
    return items.map((s) => parseScalar(field, s));
  }
  return parseScalar(field, raw);
}

function parseScalar(field: string, raw: string): string | number | boolean | null {
  if (raw === 'None' || raw === 'null') return null;
  const kind = OFFER_FIELDS.get(field)!;
  if (raw === 'true' || raw === 'false') {
    if (kind === 'str') return raw;
    return raw === 'true';
  }
  if (kind === 'str')
    return raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw.replace(/_/g, ' ');
  if (kind === 'bool') {
    if (raw === '1' || raw === '0') return raw === '1';
    throw new OfferQueryError(`${field} takes true or false, not "${raw}"`);
  }
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new OfferQueryError(`${field} takes a number, not "${raw}"`);
  return n;
}

/** Parses the CLI's `-o` syntax: `dph_total,score-` → dph_total ascending, then score descending. */
export function parseOrder(text: string): Array<[string, 'asc' | 'desc']> {
  const out: Array<[string, 'asc' | 'desc']> = [];
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const desc = part.endsWith('-');
    const name = part.replace(/[-+]$/, '');
    out.push([resolveField(name), desc ? 'desc' : 'asc']);
  }
  if (!out.length) throw new OfferQueryError('empty sort order: give fields like dph_total or score-');
  return out;
}

/** The JSON body of `POST /api/v0/bundles/` for a query: user units converted to wire units. */
export function toWireBody(q: OfferQuery): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [field, ops] of Object.entries(q.filters)) {
    const w: Record<string, unknown> = {};
    for (const [op, v] of Object.entries(ops)) {
      if (v === undefined) continue;
      w[op] = Array.isArray(v) ? v.map((x) => wireScalar(field, x)) : wireScalar(field, v);
    }
    body[field] = w;
  }
  body.order = q.order.map(([f, d]) => [f, d]);
  // Older callers may say "interruptible"; the wire only knows "bid" (the CLI rewrites it too).
  body.type = (q.type as string) === 'interruptible' ? 'bid' : q.type;
  if (q.limit != null) body.limit = q.limit;
  body.allocated_storage = q.allocatedStorageGb;
  return body;
}

function wireScalar(field: string, v: string | number | boolean | null): string | number | boolean | null {
  if (field === 'driver_version' && typeof v === 'string' && /^\d+(\.\d+)*$/.test(v)) return driverInt(v);
  if (typeof v !== 'number') return v;
  if (MB_FIELDS.has(field)) return v * 1000;
  if (field === 'duration') return v * 86400;
  if (field === 'compute_cap' && v < 100) return Math.round(v * 100);
  return v;
}

/** '535.86.05' → 535086005: each part after the first zero-padded to 3 digits, as the CLI does. */
export function driverInt(v: string): number {
  const [head, ...rest] = v.split('.');
  return Number(head + rest.map((p) => p.padStart(3, '0')).join(''));
}

function closeNames(name: string): string[] {
  const all = [...OFFER_FIELDS.keys(), ...Object.keys(FIELD_ALIASES)];
  return all
    .map((f) => ({ f, d: f.includes(name) || name.includes(f) ? 1 : distance(name, f) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(name.length / 3)))
    .sort((a, b) => a.d - b.d || a.f.localeCompare(b.f))
    .slice(0, 3)
    .map((x) => x.f);
}
