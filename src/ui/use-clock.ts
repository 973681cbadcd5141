/**
 * A coarse clock: re-renders once a minute, enough for "3m"-style ages and the stuck mark. ENGINEERING.md rule 6
 * forbids per-second clocks; a minute tick whose output is unchanged costs no bytes (Ink skips equal frames).
 */
import { useEffect, useState } from 'react';

/** The current time, refreshed every `everyMs` (0 disables the tick, for frame tests). */
export function useClock(now: () => number, everyMs: number): number {
  const [t, setT] = useState(now);
  useEffect(() => {
    if (everyMs <= 0) return;
    const timer = setInterval(() => setT(now()), everyMs);
    timer.unref?.();
    return () => clearInterval(timer);
  }, [now, everyMs]);
  return t;
}
