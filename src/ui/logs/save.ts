/**
 * "Save the log": the whole log read from the host (or the pane's lines) written to a file in vastdeck's state dir (or
 * the cwd when that fails).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LogLine } from '../../core/logs/ring.js';

/** File name for a saved log: instance id, daemon or training log, and a sortable UTC time. */
export function saveName(instanceId: number, daemon: boolean, now: number): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `log-${instanceId}${daemon ? '-daemon' : ''}-${stamp}.log`;
}

/** The text saved: every stored line (sanitized by the ring), one per line, ending in a newline. */
export function logText(lines: readonly LogLine[]): string {
  return lines.length ? lines.map((l) => l.text).join('\n') + '\n' : '';
}

/** Writes the lines to dir/logs/NAME, falling back to cwd/NAME; resolves to the path written. */
export async function saveLog(
  lines: readonly LogLine[] | string,
  o: { dir: string; cwd?: string; instanceId: number; daemon: boolean; now?: number },
): Promise<string> {
  const name = saveName(o.instanceId, o.daemon, o.now ?? Date.now());
  const text = typeof lines === 'string' ? lines : logText(lines);
  const target = path.join(o.dir, 'logs', name);
  try {
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    await writeFile(target, text, { mode: 0o600 });
    return target;
  } catch {
    const fallback = path.join(o.cwd ?? process.cwd(), name);
    await writeFile(fallback, text, { mode: 0o600 });
    return fallback;
  }
}
