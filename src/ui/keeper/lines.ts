/** One panel line per keeper event, in the words `vastdeck monitor` prints on stderr. */
import type { KeeperEvent } from '../../core/keeper/keeper.js';
import { sanitizeLine } from '../../core/util/sanitize.js';

const hhmmss = (at: number) => new Date(at).toISOString().slice(11, 19);

/** The line for an event (remote text such as labels sanitized). */
export function keeperLine(e: KeeperEvent): string {
  if (e.type === 'error') return sanitizeLine(`${hhmmss(e.at)} ${e.message}`);
  if (e.type === 'pass') {
    const counts = new Map<string, number>();
    for (const w of e.workers) {
      const k = w.health === '-' ? w.status : w.health;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const parts = [...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
    return sanitizeLine(`${hhmmss(e.at)} ${e.workers.length} workers: ${parts}${e.credit !== null ? `; credit $${e.credit.toFixed(2)}` : ''}`);
  }
  const a = e.action;
  const who = a.type === 'replace' ? `replace ${a.instanceId}${a.label ? ` (${a.label})` : ''} [${a.trigger}]: ` : `${a.type}: `;
  return sanitizeLine(`${hhmmss(e.at)} ${who}${a.reason} -> ${e.result}`);
}
