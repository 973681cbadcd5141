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
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
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
