/**
 * `GET /api/v1/instances/`: the paginated list (limit ≤ 25, next_token → after_token), filters only on
 * columns stored on the contract (computed ones such as dph_total answer 400), order_by with id as the
 * final tie-break. Tokens are keyset cursors, so a destroy between pages never skips or repeats a row.
 */
import { ApiError, ok, type Reply } from '../http.js';
import { allOf, compareValues, compileField, type Predicate } from '../filter-language.js';
import { instanceRow, storedColumns, STORED_COLUMNS } from '../rows.js';
import { jsonParam, type Ctx } from './types.js';
import type { InstanceRec } from '../instances.js';

type Row = Record<string, unknown>;
interface OrderKey {
  col: string;
  desc: boolean;
}

function parseFilters(raw: unknown): Predicate<Row> {
  if (raw === undefined || raw === null) return () => true;
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new ApiError(400, 'invalid_args', 'select_filters: expected a JSON object');
  const preds: Predicate<Row>[] = [];
  for (const [col, ops] of Object.entries(raw as Record<string, unknown>)) {
    if (!STORED_COLUMNS.has(col))
      throw new ApiError(
        400,
        'invalid_args',
        `select_filters: cannot filter on column ${col} (not stored on the contract)`,
      );
    const o =
      ops !== null && typeof ops === 'object' && !Array.isArray(ops) ? (ops as Record<string, unknown>) : { eq: ops };
    try {
      preds.push(compileField<Row>((r) => r[col], o));
    } catch (e) {
      throw new ApiError(400, 'invalid_args', `select_filters.${col}: ${(e as Error).message}`);
    }
  }
  return allOf(preds);
}

function parseOrder(raw: unknown): OrderKey[] {
  const list = raw === undefined ? [{ col: 'id', dir: 'asc' }] : raw;
  if (!Array.isArray(list)) throw new ApiError(400, 'invalid_args', 'order_by: expected a list of {"col","dir"}');
  const keys: OrderKey[] = [];
  for (const item of list) {
    const col = (item as { col?: unknown })?.col;
    const dir = String((item as { dir?: unknown })?.dir ?? 'asc').toLowerCase();
    if (typeof col !== 'string' || !STORED_COLUMNS.has(col))
      throw new ApiError(400, 'invalid_args', `order_by: invalid column ${String(col)}`);
    if (dir !== 'asc' && dir !== 'desc') throw new ApiError(400, 'invalid_args', `order_by: invalid direction ${dir}`);
    keys.push({ col, desc: dir === 'desc' });
  }
  if (!keys.some((k) => k.col === 'id')) keys.push({ col: 'id', desc: false });
  return keys;
}

function parseLimit(raw: string | null): number {
  if (raw === null || raw === '') return 25;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new ApiError(400, 'invalid_args', 'limit: expected an integer');
  if (n <= 0) return 5;
  return Math.min(25, Math.floor(n));
}

const keyOf = (r: Row, keys: OrderKey[]) => keys.map((k) => r[k.col] ?? null);

function compareKeys(a: unknown[], b: unknown[], keys: OrderKey[]): number {
  for (let i = 0; i < keys.length; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return keys[i]!.desc ? -c : c;
  }
  return 0;
}

function encodeToken(key: unknown[]): string {
  return Buffer.from(JSON.stringify({ v: 1, k: key })).toString('base64url');
}

function decodeToken(raw: string, len: number): unknown[] {
  try {
    const t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { v?: unknown; k?: unknown };
    if (t.v === 1 && Array.isArray(t.k) && t.k.length === len) return t.k;
  } catch {
    /* fall through to the error */
  }
  throw new ApiError(400, 'invalid_token', 'after_token is not a valid token for this query.');
}

/** Handle `GET /api/v1/instances/`. */
export function listInstancesV1(ctx: Ctx): Reply {
  const q = ctx.query;
  const filters = jsonParam(q, 'select_filters');
  const test = parseFilters(filters);
  const keys = parseOrder(jsonParam(q, 'order_by'));
  const limit = parseLimit(q.get('limit'));
  const colsRaw = jsonParam(q, 'select_cols');
  const cols = Array.isArray(colsRaw) && !(colsRaw.length === 1 && colsRaw[0] === '*') ? colsRaw.map(String) : null;
  const now = ctx.world.now();
  // Filter and sort on the stored columns; full rows (telemetry, prices) only for the page answered.
  // Each row's sort key is built once, and when the filters and order read only the id (the listing's usual
  // query) no other column is built: a database would read an index, and 10,000 rows answer in a few ms.
  const idOnly =
    keys.every((k) => k.col === 'id') &&
    Object.keys(filters && typeof filters === 'object' ? (filters as object) : {}).every((c) => c === 'id');
  const sorted: Array<{ rec: InstanceRec; k: unknown[] }> = [];
  for (const rec of ctx.world.instances.values()) {
    const r = idOnly ? { id: rec.id } : storedColumns(rec);
    if (test(r)) sorted.push({ rec, k: keyOf(r, keys) });
  }
  sorted.sort((a, b) => compareKeys(a.k, b.k, keys));
  let start = 0;
  const after = q.get('after_token');
  if (after) {
    const tk = decodeToken(after, keys.length);
    start = sorted.findIndex((e) => compareKeys(e.k, tk, keys) > 0);
    if (start < 0) start = sorted.length;
  }
  const stored = sorted.slice(start, start + limit);
  const page = stored.map(({ rec }) => instanceRow(rec, now, ctx.world.hostBusy(rec.id)));
  const more = start + limit < sorted.length;
  const labelCounts: Record<string, number> = {};
  for (const { rec } of sorted) {
    const l = typeof rec.label === 'string' ? rec.label : '';
    labelCounts[l] = (labelCounts[l] ?? 0) + 1;
  }
  const out = cols ? page.map((r) => Object.fromEntries(cols.map((c) => [c, r[c] ?? null]))) : page;
  return ok({
    success: true,
    instances_found: out.length,
    total_instances: sorted.length,
    label_counts: labelCounts,
    next_token: more && stored.length ? encodeToken(stored[stored.length - 1]!.k) : null,
    instances: out,
  });
}
