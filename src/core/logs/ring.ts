import { sanitizeLine } from '../util/sanitize.js';

/** Where a log line came from: an SSH tail, the Vast logs API, or vastdeck's own daemon. */
export type LogSource = 'ssh' | 'api' | 'daemon';

/** One stored log line, already stripped of control sequences. Immutable: an update makes a new object. */
export interface LogLine {
  /** Increases by one per line in this buffer; an in-place redraw keeps its number. */
  readonly seq: number;
  readonly source: LogSource;
  readonly text: string;
  /** True while the line has no newline yet and may still be redrawn with \r. */
  readonly partial: boolean;
}

/** Options for a LogRing. */
export interface LogRingOptions {
  /** Lines kept; older lines are dropped. Default 5,000 (ENGINEERING.md rule 7). */
  capacity?: number;
  /** A line still without a newline after this many characters is committed, so a stream with no \n stays bounded. */
  maxLineLength?: number;
}

/** The ring's default capacity, per pane. */
export const DEFAULT_RING_CAPACITY = 5000;
const DEFAULT_MAX_LINE = 16 * 1024;

/**
 * What a terminal shows of one line (no \n) that was redrawn with \r: its last non-empty part, the same rule
 * LogRing applies to a stream ("text\r" keeps "text"). For whole texts such as a logs-API answer.
 */
export function lastRedraw(line: string): string {
  if (!line.includes('\r')) return line;
  const parts = line.split('\r');
  for (let i = parts.length - 1; i >= 0; i--) if (parts[i]!.length > 0) return parts[i]!;
  return '';
}

/** The unfinished line of one source: raw text (not yet sanitized, so a split escape sequence stays whole). */
interface Pending {
  raw: string;
  /** A \r was seen: the next text replaces the line instead of extending it. */
  cr: boolean;
  /** Seq of the partial line shown in the ring, or -1 when none is shown yet. */
  seq: number;
  decoder: TextDecoder;
}

/**
 * A bounded buffer of log lines fed raw chunks as they arrive from a stream. A tqdm bar redrawn with \r
 * keeps only its last state, shown as the current last line and replaced in place, not one line per redraw.
 */
export class LogRing {
  readonly capacity: number;
  private readonly maxLineLength: number;
  private readonly slots: (LogLine | undefined)[];
  /** Seq the next new line gets; lines [nextSeq - length, nextSeq) are stored. */
  private nextSeq = 0;
  private count = 0;
  private ver = 0;
  private readonly pending = new Map<LogSource, Pending>();

  constructor(options: LogRingOptions = {}) {
    this.capacity = Math.max(1, Math.floor(options.capacity ?? DEFAULT_RING_CAPACITY));
    this.maxLineLength = Math.max(80, options.maxLineLength ?? DEFAULT_MAX_LINE);
    this.slots = new Array(this.capacity);
  }

  /** Lines currently stored. */
  get length(): number {
    return this.count;
  }

  /** Bumped on every change (new line, redraw, clear): compare it to skip work when nothing changed. */
  get version(): number {
    return this.ver;
  }

  /** Seq of the oldest stored line (equals nextSeq when empty). */
  get firstSeq(): number {
    return this.nextSeq - this.count;
  }

  /**
   * Feeds one chunk of a stream. Bytes are decoded as UTF-8 across chunk boundaries; text is split on \n,
   * \r rewinds the line, control sequences are stripped before storage. Returns the lines added or changed.
   */
  push(chunk: string | Uint8Array, source: LogSource = 'ssh'): LogLine[] {
    const p = this.pendingFor(source);
    const text = typeof chunk === 'string' ? chunk : p.decoder.decode(chunk, { stream: true });
    const changed: LogLine[] = [];
    let start = 0;
    while (start <= text.length) {
      const nl = text.indexOf('\n', start);
      const piece = nl === -1 ? text.slice(start) : text.slice(start, nl);
      this.append(p, piece);
      this.cutLongLine(p, source, changed);
      if (nl === -1) break;
      changed.push(this.commit(p, source));
      start = nl + 1;
    }
    if (p.raw.length > 0) {
      const line = this.showPartial(p, source);
      if (line) changed.push(line);
    }
    return changed;
  }

  /** Marks the end of a source's stream: its unfinished line (if any) becomes a complete line. */
  end(source: LogSource = 'ssh'): LogLine | undefined {
    const p = this.pending.get(source);
    if (!p) return undefined;
    const tail = p.decoder.decode();
    if (tail) this.append(p, tail);
    const line = p.raw.length > 0 || p.seq >= 0 ? this.commit(p, source) : undefined;
    this.pending.delete(source);
    return line;
  }

  /** The i-th stored line, 0 = oldest. */
  at(index: number): LogLine | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.slots[(this.firstSeq + index) % this.capacity];
  }

  /** Stored lines from index start (inclusive) to end (exclusive), oldest first. */
  lines(start = 0, end = this.count): LogLine[] {
    const out: LogLine[] = [];
    const from = Math.max(0, start);
    const to = Math.min(this.count, end);
    for (let i = from; i < to; i++) out.push(this.slots[(this.firstSeq + i) % this.capacity]!);
    return out;
  }

  /** Indices (0 = oldest) of every line containing query, case-insensitive. An empty query matches nothing. */
  search(query: string): number[] {
    const out: number[] = [];
    if (query.length === 0) return out;
    const needle = query.toLowerCase();
    for (let i = 0; i < this.count; i++) {
      const line = this.slots[(this.firstSeq + i) % this.capacity]!;
      if (line.text.toLowerCase().includes(needle)) out.push(i);
    }
    return out;
  }

  /** Every stored line joined with \n, ending in \n: what "save to file" writes. */
  toText(): string {
    if (this.count === 0) return '';
    return (
      this.lines()
        .map((l) => l.text)
        .join('\n') + '\n'
    );
  }

  /** Drops every line and unfinished input. Seq numbers keep increasing so old references never alias. */
  clear(): void {
    this.slots.fill(undefined);
    this.count = 0;
    this.pending.clear();
    this.ver++;
  }

  private pendingFor(source: LogSource): Pending {
    let p = this.pending.get(source);
    if (!p) {
      p = { raw: '', cr: false, seq: -1, decoder: new TextDecoder('utf-8') };
      this.pending.set(source, p);
    }
    return p;
  }

  /** Adds text without newlines to the raw line, applying \r: after a \r, the next non-empty text replaces the line. */
  private append(p: Pending, piece: string): void {
    const parts = piece.split('\r');
    for (let i = 0; i < parts.length; i++) {
      if (i > 0) p.cr = true;
      const part = parts[i]!;
      if (part.length === 0) continue;
      // Replace only when text follows the \r, so "text\r\n" (CRLF) keeps "text" instead of an empty line.
      if (p.cr) {
        p.raw = part;
        p.cr = false;
      } else p.raw += part;
    }
  }

  /** A line growing without a newline is cut into maxLineLength pieces, so one endless line cannot eat memory. */
  private cutLongLine(p: Pending, source: LogSource, changed: LogLine[]): void {
    while (p.raw.length > this.maxLineLength) {
      const rest = p.raw.slice(this.maxLineLength);
      p.raw = p.raw.slice(0, this.maxLineLength);
      changed.push(this.commit(p, source));
      p.raw = rest;
    }
  }

  /** Completes the current line of a source (a newline arrived). */
  private commit(p: Pending, source: LogSource): LogLine {
    const line: LogLine = { seq: p.seq >= 0 ? p.seq : this.nextSeq, source, text: sanitizeLine(p.raw), partial: false };
    if (p.seq >= 0) this.replace(line);
    else this.add(line);
    p.raw = '';
    p.cr = false;
    p.seq = -1;
    return line;
  }

  /** Shows the unfinished line of a source as it looks now, replacing its previous state in place. */
  private showPartial(p: Pending, source: LogSource): LogLine | undefined {
    const text = sanitizeLine(p.raw);
    // Nothing visible yet (e.g. only the start of an escape sequence): do not add an empty line.
    if (text.length === 0 && p.seq < 0) return undefined;
    const line: LogLine = { seq: p.seq >= 0 ? p.seq : this.nextSeq, source, text, partial: true };
    if (p.seq >= 0) this.replace(line);
    else {
      this.add(line);
      p.seq = line.seq;
    }
    return line;
  }

  private add(line: LogLine): void {
    this.slots[this.nextSeq % this.capacity] = line;
    this.nextSeq++;
    if (this.count < this.capacity) this.count++;
    this.ver++;
  }

  /** Puts a new state of an existing line in its slot; if the line was already evicted, nothing is stored. */
  private replace(line: LogLine): void {
    if (line.seq < this.firstSeq) return;
    this.slots[line.seq % this.capacity] = line;
    this.ver++;
  }
}
