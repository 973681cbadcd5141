/**
 * The log pane's view model, pure: which rows of which lines are on screen (only those go to Ink, rule 1),
 * scrolling that pauses autoscroll, and search matches. Lines are addressed by their ring `seq`, so new lines
 * arriving (or old ones evicted) never shift a paused view.
 */
import type { LogLine } from '../../core/logs/ring.js';

/** What the user has set on the pane. */
export interface LogViewState {
  /** Autoscroll: the newest line stays at the bottom. Scrolling up turns it off. */
  follow: boolean;
  /** First line shown while not following (seq). */
  topSeq: number | null;
  wrap: boolean;
  /** Search text ('' = none). */
  query: string;
  /** The current match (seq), for n/N. */
  matchSeq: number | null;
}

/** A fresh view: following, no search. */
export const INITIAL_VIEW: LogViewState = { follow: true, topSeq: null, wrap: false, query: '', matchSeq: null };

/** One screen row: a line, or one wrapped piece of it. */
export interface ViewRow {
  /** React key: seq and piece. */
  key: string;
  seq: number;
  source: LogLine['source'];
  text: string;
  /** 0 for a line's first row; wrapped continuations are 1, 2, … */
  part: number;
}

/** The rows on screen and where the window sits. */
export interface ViewWindow {
  rows: ViewRow[];
  /** Seq of the first line (partly) shown; null when empty. */
  topSeq: number | null;
  /** The newest line is on screen. */
  atBottom: boolean;
}

/** Splits text into pieces of at most `width` code points (a wrapped line); at least one piece. */
export function wrapText(text: string, width: number): string[] {
  const cps = Array.from(text);
  if (cps.length <= width) return [text];
  const out: string[] = [];
  for (let i = 0; i < cps.length; i += width) out.push(cps.slice(i, i + width).join(''));
  return out;
}

/** The pieces of a line as drawn: wrapped, or cut to the width (Ink never sees a 16 KB line). */
function pieces(line: LogLine, width: number, wrap: boolean): string[] {
  const w = Math.max(1, width);
  if (wrap) return wrapText(line.text, w);
  return [line.text.length > w * 2 ? line.text.slice(0, w * 2) : line.text];
}

function rowsOf(line: LogLine, width: number, wrap: boolean): ViewRow[] {
  return pieces(line, width, wrap).map((text, part) => ({
    key: `${line.seq}.${part}`,
    seq: line.seq,
    source: line.source,
    text,
    part,
  }));
}

/** Index of seq in lines (whose seqs are consecutive), clamped to the stored range. */
export function indexOfSeq(lines: readonly LogLine[], seq: number): number {
  if (lines.length === 0) return 0;
  return Math.max(0, Math.min(lines.length - 1, seq - lines[0]!.seq));
}

/** Fills `height` rows from the bottom up, ending with lines[end - 1]. */
function fromBottom(lines: readonly LogLine[], end: number, height: number, width: number, wrap: boolean): ViewRow[] {
  const out: ViewRow[] = [];
  for (let i = end - 1; i >= 0 && out.length < height; i--) {
    const r = rowsOf(lines[i]!, width, wrap);
    out.unshift(...r.slice(Math.max(0, r.length - (height - out.length))));
  }
  return out;
}

/** The visible window: the last rows when following, else from topSeq down (back-filled when it hits the end). */
export function viewWindow(lines: readonly LogLine[], view: LogViewState, height: number, width: number): ViewWindow {
  if (lines.length === 0 || height <= 0) return { rows: [], topSeq: null, atBottom: true };
  if (view.follow || view.topSeq === null) {
    const rows = fromBottom(lines, lines.length, height, width, view.wrap);
    return { rows, topSeq: rows[0]?.seq ?? null, atBottom: true };
  }
  const start = indexOfSeq(lines, view.topSeq);
  const rows: ViewRow[] = [];
  let i = start;
  for (; i < lines.length && rows.length < height; i++) rows.push(...rowsOf(lines[i]!, width, view.wrap));
  if (i >= lines.length && rows.length < height) {
    // Scrolled past the end: show a full window ending at the newest line instead of blank rows.
    const full = fromBottom(lines, lines.length, height, width, view.wrap);
    return { rows: full, topSeq: full[0]?.seq ?? null, atBottom: true };
  }
  return {
    rows: rows.slice(0, height),
    topSeq: lines[start]!.seq,
    atBottom: i >= lines.length && rows.length <= height,
  };
}

/** Scrolls by `delta` lines from the window's current top; reaching the bottom turns autoscroll back on. */
export function scrollBy(
  lines: readonly LogLine[],
  view: LogViewState,
  win: ViewWindow,
  delta: number,
  height: number,
): LogViewState {
  if (lines.length === 0 || win.topSeq === null) return view;
  const first = lines[0]!.seq;
  const last = lines[lines.length - 1]!.seq;
  const top = Math.max(first, Math.min(last, win.topSeq + delta));
  // Without wrapping a line is a row, so the bottom is exact; with wrapping, viewWindow back-fills.
  if (delta > 0 && (win.atBottom || top >= last - height + 1)) return { ...view, follow: true, topSeq: null };
  return { ...view, follow: false, topSeq: top };
}

/** Jumps to the oldest line (autoscroll off). */
export function scrollTop(lines: readonly LogLine[], view: LogViewState): LogViewState {
  return lines.length ? { ...view, follow: false, topSeq: lines[0]!.seq } : view;
}

/** Seqs of lines containing the query, case-insensitive, oldest first. */
export function searchLines(lines: readonly LogLine[], query: string): number[] {
  if (!query) return [];
  const needle = query.toLowerCase();
  const out: number[] = [];
  for (const l of lines) if (l.text.toLowerCase().includes(needle)) out.push(l.seq);
  return out;
}

/** The next (dir 1) or previous (dir −1) match after the current one, wrapping around; null when none. */
export function nextMatch(matches: readonly number[], from: number | null, dir: 1 | -1): number | null {
  if (matches.length === 0) return null;
  if (from === null) return dir === 1 ? matches[0]! : matches[matches.length - 1]!;
  if (dir === 1) return matches.find((s) => s > from) ?? matches[0]!;
  for (let i = matches.length - 1; i >= 0; i--) if (matches[i]! < from) return matches[i]!;
  return matches[matches.length - 1]!;
}

/** A view showing `seq` a third of the way down (autoscroll off). */
export function revealSeq(lines: readonly LogLine[], view: LogViewState, seq: number, height: number): LogViewState {
  const first = lines[0]?.seq ?? 0;
  return { ...view, follow: false, topSeq: Math.max(first, seq - Math.floor(height / 3)), matchSeq: seq };
}

/** Splits text into plain and matching pieces for highlighting (case-insensitive). */
export function highlightParts(text: string, query: string): { text: string; hit: boolean }[] {
  if (!query) return [{ text, hit: false }];
  const lower = text.toLowerCase();
  const needle = query.toLowerCase();
  const out: { text: string; hit: boolean }[] = [];
  let at = 0;
  for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + needle.length)) {
    if (i > at) out.push({ text: text.slice(at, i), hit: false });
    out.push({ text: text.slice(i, i + needle.length), hit: true });
    at = i + needle.length;
  }
  if (at < text.length) out.push({ text: text.slice(at), hit: false });
  return out.length ? out : [{ text, hit: false }];
}
