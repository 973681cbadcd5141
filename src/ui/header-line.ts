/**
 * The title bar's content as styled parts: drawn by Header (Ink) and, before React and Ink have loaded, by
 * first-frame.ts, so the line painted first is the very line Ink then draws over it.
 */
import type { FleetQuery } from '../core/fleet/row-filter.js';
import { sanitizeLine } from '../core/util/sanitize.js';
import type { Token } from './theme.js';

/** A run of text with the theme token it is coloured with (none: the terminal's default) and its weight. */
export interface HeaderPart {
  text: string;
  color?: Token;
  bold?: boolean;
}

/** What the title bar shows. */
export interface HeaderState {
  query: FleetQuery;
  shown: number;
  total: number;
  readOnly: boolean;
  demo: boolean;
}

/** Title, the demo/read-only marks, scope, filter, sort and counts. */
export function headerParts({ query, shown, total, readOnly, demo }: HeaderState): HeaderPart[] {
  const parts: HeaderPart[] = [{ text: 'vastdeck', color: 'header', bold: true }];
  if (demo) parts.push({ text: ' DEMO', color: 'accent' });
  if (readOnly) parts.push({ text: ' READ-ONLY', color: 'status.warn', bold: true });
  parts.push({ text: '  fleet ', color: 'muted' }, { text: query.fleet ? sanitizeLine(query.fleet) + '*' : 'all' });
  if (query.filter) parts.push({ text: '  filter ', color: 'muted' }, { text: sanitizeLine(query.filter) });
  parts.push(
    { text: '  sort ', color: 'muted' },
    { text: `${query.sort}${query.desc ? '↓' : '↑'}` },
    { text: `  ${shown === total ? `${total}` : `${shown}/${total}`} instances`, color: 'muted' },
  );
  return parts;
}
