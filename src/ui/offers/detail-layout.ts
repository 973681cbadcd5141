/**
 * The offer detail pane as lines that fit: fields and check reasons wrap (never cut with "…"), and when the pane
 * is too short the fields of lowest priority go first, named in a last line so nothing disappears unsaid.
 */
import { wrapLine } from '../wrap-line.js';

/** Width of the field-name column ("location" + a space). */
const NAME_WIDTH = 9;
/** Below this width the fields stack in one column. */
export const TWO_COLUMN_MIN_WIDTH = 120;

/**
 * Which fields go first when the pane is too short, first to go first. The offer line (its ID) and the check's
 * reasons are never dropped.
 */
export const FIELD_DROP_ORDER: readonly string[] = [
  'CPU',
  'perf',
  'inet',
  'disk',
  'compute',
  'host',
  'location',
  'price',
  'GPU',
];

/** The pane's lines: one or two columns of wrapped fields, then the reasons, and what was hidden for height. */
export interface OfferDetailLayout {
  columns: string[][];
  notes: string[];
  /** The wrapped "hidden for height: …" line, empty when every field shows. */
  hiddenNote: string[];
  hidden: string[];
}

/** Lines the pane takes, border included, in a `width`-wide view with `avail` lines left for it. */
export function offerDetailHeight(width: number, avail: number): number {
  const natural = width >= TWO_COLUMN_MIN_WIDTH ? 10 : 16;
  return Math.max(4, Math.min(natural, avail));
}

function fieldLines([name, value]: readonly [string, string], width: number): string[] {
  const [first, ...rest] = wrapLine(value, Math.max(1, width - NAME_WIDTH));
  return [name.padEnd(NAME_WIDTH) + first, ...rest.map((l) => ' '.repeat(NAME_WIDTH) + l)];
}

/** Lays out `fields` and `notes` (reasons, estimate) in a pane `width` wide (border included), `height` tall. */
export function layoutOfferDetail(
  fields: readonly (readonly [string, string])[],
  notes: readonly string[],
  width: number,
  height: number,
): OfferDetailLayout {
  const inner = Math.max(10, width - 2);
  const budget = Math.max(1, height - 2);
  const two = width >= TWO_COLUMN_MIN_WIDTH;
  const colWidth = two ? Math.floor(inner / 2) - 1 : inner;
  const noteLines = notes.flatMap((n) => wrapLine(n, inner, 2));
  let kept = [...fields];
  let hidden: string[] = [];
  for (;;) {
    const half = two ? Math.ceil(kept.length / 2) : kept.length;
    const columns = (two ? [kept.slice(0, half), kept.slice(half)] : [kept]).map((c) =>
      c.flatMap((f) => fieldLines(f, colWidth)),
    );
    const fieldHeight = Math.max(0, ...columns.map((c) => c.length));
    const hiddenLine = hidden.length
      ? wrapLine(`hidden for height: ${hidden.join(', ')} (a taller terminal shows them)`, inner, 2)
      : [];
    const victim = FIELD_DROP_ORDER.find((n) => kept.some(([k]) => k === n));
    if (fieldHeight + noteLines.length + hiddenLine.length <= budget || !victim) {
      // Past every drop, what still does not fit is cut at the budget: the reasons keep their lines, the fields
      // (the offer line first) take the rest.
      const fieldRoom = Math.max(1, Math.min(fieldHeight, budget - noteLines.length - hiddenLine.length));
      const shownNotes = noteLines.slice(0, Math.max(0, budget - fieldRoom));
      return {
        columns: columns.map((c) => c.slice(0, fieldRoom)),
        notes: shownNotes,
        hiddenNote: hiddenLine.slice(0, Math.max(0, budget - fieldRoom - shownNotes.length)),
        hidden,
      };
    }
    kept = kept.filter(([k]) => k !== victim);
    hidden = fields.map(([k]) => k).filter((k) => !kept.some(([n]) => n === k));
  }
}
