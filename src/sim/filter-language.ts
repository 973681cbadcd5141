/**
 * The filter and ordering language shared by offer search and the v1 instance list:
 * `{"field":{"gte":"4","lte":8}}` with operators eq/neq/gt/gte/lt/lte/in/notin.
 * Values may arrive as JSON strings of numbers (the CLI sends `"4"`), so they are coerced to the row's type.
 */

/** The operators Vast's query language knows. */
export const OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'notin'] as const;
/** One operator name. */
export type Operator = (typeof OPERATORS)[number];
/** Reads one field from a row. */
export type Getter<R> = (row: R) => unknown;
/** A compiled row test. */
export type Predicate<R> = (row: R) => boolean;

/** A query value prepared once: its raw form, and number/boolean forms when it has them. */
interface Prepared {
  raw: unknown;
  num: number | undefined;
  bool: boolean | undefined;
}

function prepare(v: unknown): Prepared {
  let num: number | undefined;
  if (typeof v === 'number') num = v;
  else if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) num = Number(v);
  let bool: boolean | undefined;
  if (typeof v === 'boolean') bool = v;
  else if (v === 'true' || v === 'True') bool = true;
  else if (v === 'false' || v === 'False') bool = false;
  return { raw: v, num, bool };
}

/** Compare a row value with a prepared query value: <0, 0, >0, or NaN when they cannot be compared. */
function cmp(x: unknown, p: Prepared): number {
  if (typeof x === 'number') return p.num === undefined ? NaN : x - p.num;
  if (typeof x === 'boolean') {
    const b = p.bool ?? (p.num === undefined ? undefined : p.num !== 0);
    return b === undefined ? NaN : Number(x) - Number(b);
  }
  if (x === null || x === undefined) return p.raw === null ? 0 : NaN;
  if (typeof x === 'string' && typeof p.raw === 'string') return x < p.raw ? -1 : x > p.raw ? 1 : 0;
  return NaN;
}

function asList(v: unknown): Prepared[] {
  return (Array.isArray(v) ? v : [v]).map(prepare);
}

/** Build the predicate for one field's operators; throws on an unknown operator name. */
export function compileField<R>(get: Getter<R>, ops: Record<string, unknown>): Predicate<R> {
  const tests: Predicate<R>[] = [];
  for (const [op, value] of Object.entries(ops)) {
    if (!(OPERATORS as readonly string[]).includes(op)) throw new Error(`unknown operator ${op}`);
    if (op === 'in' || op === 'notin') {
      const list = asList(value);
      const want = op === 'in';
      tests.push((r) => {
        const x = get(r);
        return list.some((p) => cmp(x, p) === 0) === want;
      });
      continue;
    }
    const p = prepare(value);
    switch (op as Operator) {
      case 'eq':
        tests.push((r) => cmp(get(r), p) === 0);
        break;
      case 'neq':
        tests.push((r) => cmp(get(r), p) !== 0);
        break;
      case 'gt':
        tests.push((r) => cmp(get(r), p) > 0);
        break;
      case 'gte':
        tests.push((r) => cmp(get(r), p) >= 0);
        break;
      case 'lt':
        tests.push((r) => cmp(get(r), p) < 0);
        break;
      case 'lte':
        tests.push((r) => cmp(get(r), p) <= 0);
        break;
    }
  }
  if (tests.length === 1) return tests[0]!;
  return (r) => tests.every((t) => t(r));
}

/** AND of many predicates (fast path for none and one). */
export function allOf<R>(preds: Predicate<R>[]): Predicate<R> {
  if (preds.length === 0) return () => true;
  if (preds.length === 1) return preds[0]!;
  return (r) => {
    for (const p of preds) if (!p(r)) return false;
    return true;
  };
}

/** Compare two row values for sorting: numbers, strings, booleans; null/undefined sort last. */
export function compareValues(a: unknown, b: unknown): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** One sort key. */
export interface SortKey<R> {
  get: Getter<R>;
  desc: boolean;
}

/** A comparator over several keys; callers add their own id tie-break as the last key. */
export function comparator<R>(keys: SortKey<R>[]): (a: R, b: R) => number {
  return (a, b) => {
    for (const k of keys) {
      const c = compareValues(k.get(a), k.get(b));
      if (c !== 0) return k.desc ? -c : c;
    }
    return 0;
  };
}
