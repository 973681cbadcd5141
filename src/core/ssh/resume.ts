/**
 * After a reconnect, `tail -n 200 -F` repeats up to 200 lines the reader already has. ResumeFilter drops
 * that repeat: it remembers the last bytes it let through (the anchor), holds new output until the anchor
 * shows up in it, and passes on only what follows. If the anchor never shows up (file rotated or truncated,
 * or more than 200 lines were written during the outage) it reports a gap and passes everything on.
 */

const EMPTY = Buffer.alloc(0);

/** Stream filter that removes the overlap between output before and after a reconnect. */
export class ResumeFilter {
  private recent: Buffer = EMPTY;
  private pending: Buffer | null = null;
  private anchor: Buffer = EMPTY;

  /**
   * @param emit receives the bytes to pass on
   * @param onGap called when the overlap could not be found (some lines may be repeated or missing)
   */
  constructor(
    private readonly emit: (chunk: Buffer) => void,
    private readonly onGap: () => void,
    private readonly anchorBytes = 256,
    private readonly maxPending = 1024 * 1024,
  ) {}

  /** True while output is being held back to look for the anchor. */
  get matching(): boolean {
    return this.pending !== null;
  }

  /** Marks a reconnect: output from now on may start with a repeat of what was already seen. */
  resume(): void {
    if (this.recent.length === 0) return;
    this.anchor = this.recent.subarray(Math.max(0, this.recent.length - this.anchorBytes));
    this.pending = EMPTY;
  }

  /** Feeds a chunk of raw output. */
  push(chunk: Buffer): void {
    if (this.pending === null) return this.pass(chunk);
    this.pending = Buffer.concat([this.pending, chunk]);
    const at = this.pending.indexOf(this.anchor);
    if (at >= 0) {
      const rest = this.pending.subarray(at + this.anchor.length);
      this.pending = null;
      if (rest.length) this.pass(rest);
    } else if (this.pending.length > this.maxPending) {
      this.giveUp();
    }
  }

  /** Stops looking for the anchor (the backlog has gone quiet): reports a gap and releases held output. */
  giveUp(): void {
    const held = this.pending;
    this.pending = null;
    if (held?.length) {
      this.onGap();
      this.pass(held);
    }
  }

  private pass(chunk: Buffer): void {
    // Keep a little more than the anchor so the next resume has one even after tiny chunks.
    const keep = this.anchorBytes * 4;
    this.recent = Buffer.concat([this.recent, chunk]);
    if (this.recent.length > keep) this.recent = this.recent.subarray(this.recent.length - keep);
    this.emit(chunk);
  }
}
