/**
 * One windowed list for every list on screen (fleet table, offer browser, env vars, the migration wizard's
 * profiles): a cursor kept by the selected row's id, so a re-sort or a new poll never moves the selection to
 * another row; a window top that moves only as far as it must to keep the cursor visible; and the moves
 * (line, page, first, last). Orders come sorted from core (stable, with an id tie-break). Pure; `useWindowedList`
 * (use-windowed.ts) holds its state in React.
 *
 * Per key the work does not grow with the list: the id → index map is built once per rows array (cached in a
 * WeakMap, so a new poll or sort builds one, a key press reuses it).
 */

/** How the cursor moves. */
export type ListMove = 'down' | 'up' | 'pageDown' | 'pageUp' | 'first' | 'last';

const indexes = new WeakMap<readonly unknown[], Map<unknown, number>>();

/** The position of each row's id, built once per rows array (so every caller must read the same id from a row). */
export function indexOfId<T, K>(rows: readonly T[], idOf: (row: T) => K, id: K): number {
  let map = indexes.get(rows) as Map<K, number> | undefined;
  if (!map) {
    map = new Map<K, number>();
    for (let i = 0; i < rows.length; i++) map.set(idOf(rows[i]!), i);
    indexes.set(rows, map);
  }
  return map.get(id) ?? -1;
}

/** What the list shows: the cursor's row index, the first visible row, the selected row. */
export interface ListWindow<T> {
  cursor: number;
  top: number;
  selected: T | undefined;
}

/**
 * The window for `rows` in `height` lines. The cursor is the row with `selectedId`; when that row is gone (or
 * nothing was chosen yet) it is `fallback` (default the first row), clamped to the list. The top stays where it
 * was (`prevTop`) unless the cursor left the window or the list shrank under it.
 */
export function listWindow<T, K>(
  rows: readonly T[],
  idOf: (row: T) => K,
  selectedId: K | null,
  prevTop: number,
  height: number,
  fallback = 0,
): ListWindow<T> {
  const h = Math.max(1, height);
  let cursor = selectedId === null ? -1 : indexOfId(rows, idOf, selectedId);
  if (cursor < 0) cursor = fallback;
  cursor = Math.max(0, Math.min(cursor, rows.length - 1));
  let top = Math.max(0, Math.min(prevTop, rows.length - h));
  if (cursor < top) top = cursor;
  if (cursor >= top + h) top = cursor - h + 1;
  return { cursor, top, selected: rows[cursor] };
}

/** The row index a move lands on (clamped), or null for an empty list. */
export function moveIndex(length: number, cursor: number, move: ListMove, page: number): number | null {
  if (length === 0) return null;
  const p = Math.max(1, page);
  const to =
    move === 'down'
      ? cursor + 1
      : move === 'up'
        ? cursor - 1
        : move === 'pageDown'
          ? cursor + p
          : move === 'pageUp'
            ? cursor - p
            : move === 'first'
              ? 0
              : length - 1;
  return Math.max(0, Math.min(length - 1, to));
}
