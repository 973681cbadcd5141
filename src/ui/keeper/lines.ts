/** One panel line per keeper event, in the words `vastdeck monitor` prints on stderr. */
import type { KeeperEvent } from '../../core/keeper/keeper.js';
import { sanitizeLine } from '../../core/util/sanitize.js';

const hhmmss = (at: number) => new Date(at).toISOString().slice(11, 19);

/** The panel's title: what it keeps and when the next check comes (null: none planned yet). */
export function keeperTitle(
  running: { target: number; prefix: string; profile: string } | null,
  nextAt: number | null,
): string {
  if (!running) return 'keeper · stopped · K hides';
  return (
    `keeper · keeping ${running.target} of ${running.prefix} (profile ` +
    `${running.profile})${nextAt !== null ? ` · next check ${hhmmss(nextAt)}` : ''} · K stops`
  );
}

/** The line for an event (remote text such as labels sanitized); null for a sleep (the title shows it). */
export function keeperLine(e: KeeperEvent): string | null {
  if (e.type === 'wait') return null;
  if (e.type === 'error') return sanitizeLine(`${hhmmss(e.at)} ${e.message}`);
  if (e.type === 'pass') {
    const counts = new Map<string, number>();
    for (const w of e.workers) {
      const k = w.health === '-' ? w.status : w.health;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const parts = [...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
    return sanitizeLine(
      `${hhmmss(e.at)} ${e.workers.length} workers: ` +
        `${parts}${e.credit !== null ? `; credit $${e.credit.toFixed(2)}` : ''}`,
    );
  }
  const a = e.action;
  const who =
    a.type === 'replace' ? `replace ${a.instanceId}${a.label ? ` (${a.label})` : ''} [${a.trigger}]: ` : `${a.type}: `;
  return sanitizeLine(`${hhmmss(e.at)} ${who}${a.reason} -> ${e.result}`);
}
