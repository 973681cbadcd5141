/**
 * A clock whose sleep can be cut short (`wake`): the keeper's and the lifecycle passes' clock, in `monitor` and
 * `autopilot` (a signal wakes it) and in the TUI's `:keep` (stop wakes it).
 */

/** What the keeper and the enforcer passes sleep on. */
export interface WakeableClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Ends the current sleep now. */
  wake: () => void;
}

/** A Date.now clock; with `unref` its timer never holds the process open (a quitting TUI). */
export function wakeableClock(opts: { unref?: boolean } = {}): WakeableClock {
  let wakeUp: (() => void) | null = null;
  return {
    now: Date.now,
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(() => ((wakeUp = null), resolve()), ms);
        if (opts.unref) t.unref?.();
        wakeUp = () => (clearTimeout(t), (wakeUp = null), resolve());
      }),
    wake: () => wakeUp?.(),
  };
}
