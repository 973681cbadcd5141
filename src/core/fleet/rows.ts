/**
 * Row stability: an instance whose fields did not change keeps its object identity from one poll to the next,
 * so React.memo rows and useSyncExternalStore consumers skip work, and "nothing changed" is cheap to detect.
 */
import type { Instance } from '../vast/types.js';

/** Structural equality of JSON-like values (the domain objects are plain data: no Dates, Maps or cycles). */
export function sameData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], bb[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/**
 * Merges a fresh list into the previous one: rows are ordered by id, unchanged rows keep the previous object,
 * and the previous array itself is returned when no row changed.
 */
export function mergeRows(prev: readonly Instance[], next: readonly Instance[]): readonly Instance[] {
  const byId = new Map<number, Instance>();
  for (const row of prev) byId.set(row.id, row);
  const sorted = [...next].sort((a, b) => a.id - b.id);
  let changed = sorted.length !== prev.length;
  const out = sorted.map((row, i) => {
    const old = byId.get(row.id);
    const kept = old !== undefined && sameData(old, row) ? old : Object.freeze({ ...row });
    if (kept !== prev[i]) changed = true;
    return kept;
  });
  return changed ? Object.freeze(out) : prev;
}

/**
 * The ids a fresh part of the fleet spans: id ranges (`after < id ≤ upTo`) and single ids. Data rather than a
 * predicate: a poll's closures called once per row of the fleet were new every poll, and V8 compiled them again
 * and again in the background.
 */
export interface Span {
  readonly ranges: ReadonlyArray<readonly [after: number, upTo: number]>;
  readonly ids?: ReadonlySet<number>;
}

/** True when `span` covers `id`. */
export function spans(span: Span, id: number): boolean {
  // Indexed: it runs once per row of the fleet, and an iterator with destructuring allocated until V8 optimized it.
  const ranges = span.ranges;
  for (let i = 0; i < ranges.length; i++) if (id > ranges[i]![0] && id <= ranges[i]![1]) return true;
  return span.ids?.has(id) === true;
}

/**
 * Patches a fresh part of the fleet into the previous list (ordered by id): a fresh row replaces the one with its
 * id (the previous object is kept when unchanged), a previous row whose id the `covered` span holds but the fresh
 * part did not return is gone, and the rest stay as they are. The previous array itself comes back when nothing
 * changed. `kept(row)` is told the object each fresh row ended up as; `dropped(id)` each row that went.
 */
export function patchRows(
  prev: readonly Instance[],
  fresh: readonly Instance[],
  covered: Span,
  hooks: { kept?: (fresh: Instance, kept: Instance) => void; dropped?: (id: number) => void } = {},
): readonly Instance[] {
  const byId = new Map<number, Instance>();
  for (const row of fresh) byId.set(row.id, row);
  let changed = false;
  const out: Instance[] = [];
  for (const old of prev) {
    const row = byId.get(old.id);
    if (row !== undefined) {
      byId.delete(old.id);
      const kept = row === old || sameData(old, row) ? old : Object.freeze({ ...row });
      if (kept !== old) changed = true;
      hooks.kept?.(row, kept);
      out.push(kept);
    } else if (spans(covered, old.id)) {
      changed = true;
      hooks.dropped?.(old.id);
    } else {
      out.push(old);
    }
  }
  if (byId.size > 0) {
    changed = true;
    let sorted = true;
    for (const row of byId.values()) {
      const kept = Object.freeze({ ...row });
      hooks.kept?.(row, kept);
      if (out.length > 0 && out[out.length - 1]!.id > kept.id) sorted = false;
      out.push(kept);
    }
    if (!sorted) out.sort((a, b) => a.id - b.id);
  }
  return changed ? Object.freeze(out) : prev;
}
