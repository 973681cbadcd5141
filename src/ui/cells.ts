/**
 * The fleet table's layout in the TUI: the shared fleet columns (core/present/fleet-columns.ts) fitted by the
 * one fitting algorithm, one space between columns. Pure, no Ink.
 */
import { FLEET_COLUMNS, type FleetColumn } from '../core/present/fleet-columns.js';
import { columnsFor, fitColumns, type Fitted } from '../core/present/columns.js';

/** A fleet column after layout. */
export type Column = Fitted<FleetColumn>;

/** Spaces between the TUI's columns. */
export const GAP = 1;

const TUI_COLUMNS = columnsFor(FLEET_COLUMNS, 'tui');

/** Columns that fit in `width`; spare width goes to label, GPU and SSH, up to their max. */
export function layoutColumns(width: number): Column[] {
  return fitColumns(TUI_COLUMNS, width, { gap: GAP });
}
