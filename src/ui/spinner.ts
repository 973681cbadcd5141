/**
 * A spinner for long work (provision boot wait, migration steps). Written here rather than taken from ink-spinner:
 * it is one timer and ten braille frames, it animates only while `active` (idle stays at 0 frames, DESIGN rule 3),
 * and it needs no colour, so the mono theme draws it the same.
 */
import { useEffect, useState } from 'react';

/** The frames, one per 100 ms. */
export const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

/** The current frame while `active`, else '' (and no timer). */
export function useSpinner(active: boolean, intervalMs = 100): string {
  const [i, setI] = useState(0);
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setI((n) => (n + 1) % SPINNER_FRAMES.length), intervalMs);
    return () => clearInterval(t);
  }, [active, intervalMs]);
  return active ? SPINNER_FRAMES[i]! : '';
}
