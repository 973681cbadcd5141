/**
 * Filter and sort of fleet rows, pure and React-free. Sorting is stable with an id tie-break so rows never
 * jitter between polls (lazydocker's rule); missing values sort last in both directions.
 */
import type { Instance } from '../vast/types.js';
import type { FleetSnapshot } from './store.js';
import { displayStatus, type DisplayStatus } from './status.js';

/** The columns rows can be sorted by (the TUI binds a key to each: src/ui/keymap/tui-commands.ts). */
export const FLEET_SORT_KEYS = ['id', 'label', 'gpu', 'status', 'price', 'age', 'step', 'health'] as const;

/** A sortable column id. */
export type SortColumn = (typeof FLEET_SORT_KEYS)[number];

/** What the person asked to see. */
export interface FleetQuery {
  /** Text filter on label, GPU, status and id; a leading "!" inverts it. */
  filter: string;
  /** Label prefix of the fleet in scope (`:fleet zeb-large`), or null for all. */
  fleet: string | null;
  sort: SortColumn;
  desc: boolean;
}

/** The default query: everything, by id. */
export const DEFAULT_QUERY: FleetQuery = { filter: '', fleet: null, sort: 'id', desc: false };

type Key = string | number | null;

function sortKey(inst: Instance, col: SortColumn, status: DisplayStatus, snap: FleetSnapshot): Key {
  switch (col) {
    case 'id':
      return inst.id;
    case 'label':
      return inst.label?.toLowerCase() ?? null;
    case 'gpu':
      return `${inst.gpuName.toLowerCase()}\u0000${String(inst.numGpus).padStart(3, '0')}`;
    case 'status':
      return status;
    case 'price':
      return inst.dphTotal;
    // Older first when ascending: startedAt descending means youngest first, so negate.
    case 'age':
      return inst.startedAt === null ? null : -inst.startedAt;
    case 'step':
      return snap.health.get(inst.id)?.step ?? null;
    case 'health':
      return snap.health.get(inst.id)?.text ?? null;
  }
}

function compareKeys(a: Key, b: Key): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** True when the row matches the filter text (case-insensitive substring on label, GPU, status, id). */
export function matchesFilter(inst: Instance, status: DisplayStatus, filter: string): boolean {
  const invert = filter.startsWith('!');
  const needle = (invert ? filter.slice(1) : filter).trim().toLowerCase();
  if (!needle) return true;
  const hay = `${inst.label ?? ''}\u0000${inst.numGpus}x ${inst.gpuName}\u0000${status}\u0000${inst.id}`.toLowerCase();
  return hay.includes(needle) !== invert;
}

/**
 * The rows to show, filtered and sorted; `now` decides "stuck". With nothing to filter, by id ascending, that is
 * the snapshot's own list (ordered by id), returned as is: the same array for as long as the list is unchanged.
 */
export function selectRows(snap: FleetSnapshot, q: FleetQuery, now: number): readonly Instance[] {
  const everything = !q.fleet && !(q.filter.startsWith('!') ? q.filter.slice(1) : q.filter).trim();
  if (everything && q.sort === 'id') return q.desc ? [...snap.instances].reverse() : snap.instances;
  const rows: { inst: Instance; key: Key }[] = [];
  for (const inst of snap.instances) {
    if (q.fleet && !(inst.label ?? '').startsWith(q.fleet)) continue;
    const status = displayStatus(inst, now, snap.statusSince.get(inst.id));
    if (!matchesFilter(inst, status, q.filter)) continue;
    rows.push({ inst, key: sortKey(inst, q.sort, status, snap) });
  }
  const dir = q.desc ? -1 : 1;
  rows.sort((a, b) => {
    const c = compareKeys(a.key, b.key);
    if (c !== 0) return a.key === null || b.key === null ? c : c * dir;
    return a.inst.id - b.inst.id;
  });
  return rows.map((r) => r.inst);
}
