/**
 * Log pane benches (ENGINEERING.md targets), measured at the frame level — a line counts as drawn when an Ink frame
 * containing it is written:
 * 1. latency: a line appended on a host (real OpenSSH sshd + GNU tail -F, when available) → a frame of the TUI's
 *    log pane that shows it. Target p50 ≤ 150 ms.
 * 2. soak: two panes (two mounted Apps) fed 4 h × 3600 × 50 distinct lines each through the real path (follow
 *    chunks → LogRing → LogPaneStore → useLogPane → Ink), as fast as possible, one frame per 5 s of log (the
 *    store coalesces a burst into one emit); heap sampled after GC. Target heap slope ≤ 1 MB/h.
 * Run through bench/run-bundled.mjs (bundles with Ink's LRU-bounded caches, as the shipped build does, and
 * --expose-gc); writes bench/results/logpane.json.
 */
import { mkdirSync, mkdtempSync, appendFileSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { mountLogs } from '../test/ui/logs-fixture.js';
import { makeFleet } from '../test/ui/fake-api.js';
import { SshPool } from '../src/core/ssh/pool.js';
import { LogPaneStore } from '../src/core/logs/sources/pane-store.js';
import { sshdSkipReason, startSshd } from '../test/helpers/sshd.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const gc = (globalThis as { gc?: () => void }).gc;
const heapMb = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 1048576;
};

async function latency() {
  if (sshdSkipReason) return { skipped: sshdSkipReason };
  const sshd = await startSshd();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-lp-'));
  const logPath = path.join(sshd.dir, 'train.log');
  writeFileSync(logPath, 'start\n');
  const pool = new SshPool({
    knownHostsFile: path.join(dir, 'known_hosts'),
    auth: { agentSocket: null, keyPaths: [sshd.clientKey] },
  });
  const fleet = makeFleet(3).map((i, k) =>
    k === 0 ? { ...i, status: 'running' as const, sshHost: '127.0.0.1', sshPort: sshd.port } : i,
  );
  const m = await mountLogs({
    columns: 160,
    rows: 45,
    fleet,
    openLog: (inst) =>
      new LogPaneStore({
        instanceId: inst.id,
        target: { host: '127.0.0.1', port: inst.sshPort! },
        pool,
        path: logPath,
      }),
  });
  const seen = new Map<number, number>();
  const orig = m.stdout.write;
  m.stdout.write = (s: string) => {
    const t = performance.now();
    for (const x of s.matchAll(/mark (\d+)\b/g)) if (!seen.has(Number(x[1]))) seen.set(Number(x[1]), t);
    return orig(s);
  };
  await m.press('l');
  const t0 = Date.now();
  while (!/following/.test(m.frame()) && Date.now() - t0 < 10_000) await sleep(20);
  await sleep(300);
  const sent = new Map<number, number>();
  for (let i = 0; i < 200; i++) {
    sent.set(i, performance.now());
    appendFileSync(logPath, `mark ${i}\n`);
    await sleep(120);
  }
  await sleep(500);
  const lat = [...sent].filter(([k]) => seen.has(k)).map(([k, t]) => seen.get(k)! - t);
  m.unmount();
  await pool.close();
  await sshd.stop();
  rmSync(dir, { recursive: true, force: true });
  return {
    host: 'OpenSSH sshd + GNU tail -F → TUI frame',
    lines: 200,
    drawn: lat.length,
    gapMs: 120,
    p50Ms: +pct(lat, 50).toFixed(1),
    p95Ms: +pct(lat, 95).toFixed(1),
    maxMs: +Math.max(...lat).toFixed(1),
    targetP50Ms: 150,
  };
}

async function soak(hours: number) {
  const RATE = 50;
  const CHUNK = 250; // 5 s of log per emit/frame
  const perPane = Math.round(hours * 3600 * RATE);
  const panes = [await mountLogs({ columns: 160, rows: 45 }), await mountLogs({ columns: 160, rows: 45 })];
  for (const p of panes) await p.press('f');
  await sleep(200);
  let seq = 0;
  const samples: [number, number][] = []; // [simulated hours, heap MB]
  const started = performance.now();
  let frames = 0;
  for (let fed = 0; fed < perPane; fed += CHUNK) {
    for (const p of panes) {
      let text = '';
      for (let i = 0; i < CHUNK; i++, seq++)
        text += `{'loss': '${(2 / (1 + seq / 1e5)).toFixed(4)}', 'grad_norm': '${(seq % 997) / 100}', 'step': ${seq}}\n`;
      const before = p.stdout.frames.length;
      p.pool.last.emit('data', text);
      while (p.stdout.frames.length === before) await new Promise((r) => setImmediate(r));
      frames++;
      // Ink's debug output keeps every frame in this array; a terminal does not.
      p.stdout.frames.length = 0;
    }
    if ((fed / CHUNK) % 120 === 0) samples.push([fed / RATE / 3600, heapMb()]);
  }
  samples.push([perPane / RATE / 3600, heapMb()]);
  const ms = performance.now() - started;
  for (const p of panes) p.unmount();
  // Slope over the second half (after the rings filled and caches warmed): least squares, MB per simulated hour.
  const tail = samples.slice(Math.floor(samples.length / 2));
  const mx = tail.reduce((a, [x]) => a + x, 0) / tail.length;
  const my = tail.reduce((a, [, y]) => a + y, 0) / tail.length;
  const slope = tail.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / tail.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return {
    panes: 2,
    linesPerSecond: RATE,
    simulatedHours: hours,
    linesPerPane: perPane,
    frames,
    wallSeconds: +(ms / 1000).toFixed(1),
    heapStartMb: +samples[0]![1].toFixed(1),
    heapEndMb: +samples.at(-1)![1].toFixed(1),
    heapSlopeMbPerHour: +slope.toFixed(3),
    targetMbPerHour: 1,
    gc: Boolean(gc),
  };
}

async function main() {
  const hours = Number(process.env.SOAK_HOURS ?? 4);
  const lat = await latency();
  console.log(JSON.stringify({ latency: lat }, null, 2));
  const s = await soak(hours);
  const result = { latency: lat, soak: s, node: process.version, at: new Date().toISOString() };
  console.log(JSON.stringify(result, null, 2));
  if (!process.env.NO_WRITE) {
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/logpane.json', JSON.stringify(result, null, 2) + '\n');
  }
  process.exit(0);
}
void main();
