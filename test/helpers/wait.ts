/**
 * Waiting on a condition instead of a fixed sleep: `waitFor` polls until `fn` returns something truthy and returns
 * it, or throws after `timeoutMs` naming what was awaited (and, with `detail`, what was seen instead). A test that
 * waits this way is as fast as the thing it waits for, and still fails with a clear message when it never comes.
 */

/** Options for waitFor. */
export interface WaitOptions {
  /** What is awaited, for the failure message ("the log pane's first line"). */
  what: string;
  /** Give up after this long (default 10 s: generous for a loaded CI machine, never hit by a passing test). */
  timeoutMs?: number;
  /** Pause between polls (default 10 ms). */
  intervalMs?: number;
  /** What was seen instead, appended to the failure message (a frame, a log). */
  detail?: () => string;
}

/** T without its falsy members (what waitFor resolves with). */
export type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/** Resolves with fn()'s first truthy result; rejects with "timed out after N ms waiting for WHAT" otherwise. */
export async function waitFor<T>(fn: () => T | Promise<T>, o: WaitOptions): Promise<Truthy<T>> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as Truthy<T>;
    if (Date.now() >= end) {
      const seen = o.detail ? `; seen:\n${o.detail()}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${o.what}${seen}`);
    }
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 10));
  }
}

/** A plain pause. Only for a test whose subject is time passing (a quiet period, a slow reader), never as a wait. */
export function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
