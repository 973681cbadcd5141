/** The real HF Trainer log (test/fixtures/gpu-host) as the health tests read it: lines as the ring stores them. */
import { readFileSync } from 'node:fs';
import { LogRing } from '../../src/core/logs/ring.js';

/** The whole fixture log. */
export const RAW = readFileSync(new URL('../fixtures/gpu-host/hf-trainer-stdout.log', import.meta.url), 'utf8');
/** A fixed clock start for the health tests. */
export const T0 = Date.UTC(2026, 10, 22, 18, 0, 0);
/** One minute, ms. */
export const MIN = 60_000;

/** The lines of `text` as the ring stores them (\r redraws collapsed). */
export function ringLines(text: string): string[] {
  const ring = new LogRing();
  ring.push(text);
  ring.end();
  return ring.lines().map((l) => l.text);
}
/** The fixture's lines. */
export const LINES = ringLines(RAW);
/** The fixture's lines up to the tqdm bar at step 200 of 300: a run that hung there. */
export const UNTIL_STEP_200 = LINES.slice(0, LINES.findIndex((l) => l.includes('| 200/300 [')) + 1);
