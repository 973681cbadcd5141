/**
 * Log ingest benchmark: lines/s into a LogRing (plain lines, and the real tqdm-heavy Trainer log replayed
 * in small byte chunks as an SSH stream delivers it), the same with the health tracker parsing every line,
 * and the heap after 1e6 lines (the ring must stay at 5,000 lines; ENGINEERING.md rule 7).
 * Run: node --expose-gc --import tsx bench/logs.bench.ts   → prints and writes bench/results/logs.json
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { HealthTracker } from '../src/core/fleet/health.js';
import { LogRing } from '../src/core/logs/ring.js';

const LINES = 1_000_000;
const LINES_PER_CHUNK = 200;
const FIXTURE = readFileSync(new URL('../test/fixtures/gpu-host/hf-trainer-stdout.log', import.meta.url));
const REPLAYS = 300;
const REPLAY_CHUNK = 512;

function heapMB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round((process.memoryUsage().heapUsed / 1e6) * 10) / 10;
}

/** Plain training-like lines, pushed as text chunks. */
function plainIngest(withTracker: boolean): { seconds: number; ring: LogRing } {
  const ring = new LogRing();
  const tracker = new HealthTracker();
  tracker.setStatus('running', 0);
  const start = performance.now();
  let n = 0;
  while (n < LINES) {
    let chunk = '';
    for (let i = 0; i < LINES_PER_CHUNK; i++, n++)
      chunk += `step=${n} loss=${(1 / (n + 1)).toFixed(5)} lr=0.0003 tokens/s=81234\n`;
    const changed = ring.push(chunk, 'ssh');
    if (withTracker) tracker.feedLines(changed, n);
  }
  return { seconds: (performance.now() - start) / 1000, ring };
}

/** The real Trainer log (\r redraws, Unicode blocks, ESC [ A) replayed in byte chunks. */
function replayIngest(): { seconds: number; lines: number } {
  const ring = new LogRing();
  const tracker = new HealthTracker();
  const start = performance.now();
  for (let r = 0; r < REPLAYS; r++) {
    for (let i = 0; i < FIXTURE.length; i += REPLAY_CHUNK)
      tracker.feedLines(ring.push(FIXTURE.subarray(i, i + REPLAY_CHUNK)), r);
  }
  return { seconds: (performance.now() - start) / 1000, lines: ring.firstSeq + ring.length };
}

const heapBefore = heapMB();
const plain = plainIngest(false);
const heapAfter = heapMB();
const ringLength = plain.ring.length;
const tracked = plainIngest(true);
const replay = replayIngest();

const result = {
  date: new Date().toISOString(),
  node: process.version,
  gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
  plain: {
    lines: LINES,
    linesPerChunk: LINES_PER_CHUNK,
    seconds: round(plain.seconds),
    linesPerSec: Math.round(LINES / plain.seconds),
  },
  plainWithHealthTracker: {
    lines: LINES,
    seconds: round(tracked.seconds),
    linesPerSec: Math.round(LINES / tracked.seconds),
  },
  trainerLogReplay: {
    replays: REPLAYS,
    chunkBytes: REPLAY_CHUNK,
    MB: round((FIXTURE.length * REPLAYS) / 1e6),
    storedLines: replay.lines,
    seconds: round(replay.seconds),
    linesPerSec: Math.round(replay.lines / replay.seconds),
    MBPerSec: round((FIXTURE.length * REPLAYS) / 1e6 / replay.seconds),
  },
  memory: {
    ringLengthAfter1e6: ringLength,
    heapBeforeMB: heapBefore,
    heapAfter1e6MB: heapAfter,
    heapGrowthMB: round(heapAfter - heapBefore),
  },
};

console.log(JSON.stringify(result, null, 2));
const dir = new URL('./results/', import.meta.url);
if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
writeFileSync(new URL('logs.json', dir), JSON.stringify(result, null, 2) + '\n');

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
