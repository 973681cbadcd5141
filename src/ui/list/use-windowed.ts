/**
 * The windowed list (windowed.ts) in React: selection by id in state (or in state the caller keeps, so it survives
 * the view being unmounted), the window top in a ref (it follows the cursor; it is not state of its own).
 */
import { useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { listWindow, moveIndex, type ListMove, type ListWindow } from './windowed.js';

/** The list's window plus the ways to move in it. */
export interface WindowedList<T, K> extends ListWindow<T> {
  selectedId: K | null;
  /** Moves the cursor (a page is the window's height). */
  move: (m: ListMove) => void;
  /** Selects a row by id. */
  select: (id: K | null) => void;
}

/** Options of useWindowedList. */
export interface WindowedOptions<K> {
  /** The selection held elsewhere (a view store) instead of this component's state. */
  selection?: [K | null, Dispatch<SetStateAction<K | null>>];
  /** The row to select when the selected id is gone: the first (default) or the same position (`keep`). */
  whenGone?: 'first' | 'keep';
}

/** A cursor and window over `rows`, `height` lines tall. */
export function useWindowedList<T, K>(
  rows: readonly T[],
  idOf: (row: T) => K,
  height: number,
  o: WindowedOptions<K> = {},
): WindowedList<T, K> {
  const own = useState<K | null>(null);
  const [selectedId, setSelectedId] = o.selection ?? own;
  const topRef = useRef(0);
  const lastCursor = useRef(0);
  const w = listWindow(rows, idOf, selectedId, topRef.current, height, o.whenGone === 'keep' ? lastCursor.current : 0);
  topRef.current = w.top;
  lastCursor.current = w.cursor;
  const move = (m: ListMove) => {
    const i = moveIndex(rows.length, w.cursor, m, height);
    if (i !== null) setSelectedId(idOf(rows[i]!));
  };
  return { ...w, selectedId, move, select: setSelectedId };
}
