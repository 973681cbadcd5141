/**
 * The countdown of a rental's boot wait in the offer browser ("boot: 3:12 left of 20:00 · x stops waiting"),
 * as the migration wizard shows its waits. It redraws once a second from the provision's own clock.
 */
import { useEffect, useState } from 'react';
import { Text } from 'ink';
import { useTheme } from '../theme-context.js';
import { timeLeft } from '../migrate/MigrateWizard.js';

/** A boot wait in progress: when it started and how long it may take, on the provision's clock. */
export interface BootWait {
  instanceId: number;
  startMs: number;
  totalMs: number;
}

/** The countdown line; `tickMs` 0 draws once (tests drive it with the clock). */
export function BootCountdown({ wait, now, tickMs = 1000 }: { wait: BootWait; now: () => number; tickMs?: number }) {
  const theme = useTheme();
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!tickMs) return;
    const h = setInterval(() => setTick((t) => t + 1), tickMs);
    return () => clearInterval(h);
  }, [tickMs]);
  const left = Math.max(0, wait.totalMs - (now() - wait.startMs));
  return (
    <Text wrap="truncate" color={theme.colors['status.warn']}>
      boot: {timeLeft(left)} left of {timeLeft(wait.totalMs)}
      <Text color={theme.colors.muted}>
        {'  instance '}
        {wait.instanceId} · x stops waiting (it stays rented)
      </Text>
    </Text>
  );
}
