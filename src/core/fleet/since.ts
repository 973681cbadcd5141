/**
 * When each row entered its current status ("stuck" is measured from it). A poll changes a few rows of the fleet,
 * so the previous map is returned as is unless a row's status or the set of rows changed: a steady fleet of 1,000
 * builds no map per poll (it built two).
 */
import type { Instance } from '../vast/types.js';

/** How a row never seen before is dated. */
export interface SinceRules {
  /** The time of this poll. */
  now: number;
  /** Rows new to the list are dated from their startedAt (the first listing: the best we know), else from now. */
  fromStart: boolean;
}

/**
 * The status-since map for `rows`, given the previous rows (both ordered by id) and their map. A row whose status
 * is unchanged keeps its time; a changed status is dated now; a new row per `rules`.
 */
export function nextStatusSince(
  prevRows: readonly Instance[],
  prevSince: ReadonlyMap<number, number>,
  rows: readonly Instance[],
  rules: SinceRules,
): ReadonlyMap<number, number> {
  const old = previousOf(prevRows);
  // Built at the first row whose time differs (the rows before it kept theirs), or at once when rows came or went.
  let next: Map<number, number> | null = rows.length !== prevSince.size ? new Map() : null;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const had = prevSince.get(row.id);
    const since = sinceOf(row, old(row.id), had, rules);
    if (next === null && since !== had) {
      next = new Map();
      for (let k = 0; k < i; k++) next.set(rows[k]!.id, prevSince.get(rows[k]!.id)!);
    }
    next?.set(row.id, since);
  }
  return next ?? prevSince;
}

function sinceOf(row: Instance, before: Instance | undefined, had: number | undefined, rules: SinceRules): number {
  if (had !== undefined && before !== undefined && (before === row || before.status === row.status)) return had;
  if (had === undefined && rules.fromStart) return row.startedAt ?? rules.now;
  return rules.now;
}

/**
 * A lookup of the previous row by id for rows asked in ascending id order: a forward scan, no map. When either list
 * is not ordered by id, it builds a map once and answers from it.
 */
function previousOf(prev: readonly Instance[]): (id: number) => Instance | undefined {
  const map = () => new Map(prev.map((r) => [r.id, r]));
  let byId: Map<number, Instance> | null = null;
  for (let k = 1; k < prev.length && byId === null; k++) if (prev[k - 1]!.id >= prev[k]!.id) byId = map();
  let j = 0;
  let last = -Infinity;
  return (id) => {
    if (byId === null && id <= last) byId = map();
    last = id;
    if (byId !== null) return byId.get(id);
    while (j < prev.length && prev[j]!.id < id) j++;
    return prev[j]?.id === id ? prev[j] : undefined;
  };
}
