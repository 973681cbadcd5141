/**
 * Log latency: a line appended to the training log on a host → present in the LogPaneStore snapshot, over
 * the real path (SshPool follow of `tail -F`, LogRing, 10 Hz-throttled emits). Host: a real OpenSSH sshd on
 * loopback with GNU tail (needs root and /usr/sbin/sshd; otherwise the bench says why and skips).
 * 200 lines, one every 120 ms (slower than the 100 ms emit window, so each line is its own emit, as a
 * training log's lines are). Target (ENGINEERING.md targets): p50 ≤ 150 ms.
 * Run: node --import tsx bench/logs-latency.bench.ts   → prints and writes bench/results/logs-latency.json
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LogPaneStore } from '../src/core/logs/sources/pane-store.js';
import { SshPool } from '../src/core/ssh/pool.js';
import { sshdSkipReason, startSshd } from '../test/helpers/sshd.js';

const LINES = 200;
const GAP_MS = 120;
const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-latency-'));

interface Host {
  kind: string;
  port: number;
  keyFile: string;
  logPath: string;
  append(line: string): void;
  stop(): Promise<void>;
}

async function realHost(): Promise<Host> {
  const sshd = await startSshd();
  const logPath = path.join(sshd.dir, 'train.log');
  writeFileSync(logPath, 'start\n');
  return {
    kind: 'OpenSSH sshd + GNU tail -F',
    port: sshd.port,
    keyFile: sshd.clientKey,
    logPath,
    append: (l) => appendFileSync(logPath, l + '\n'),
    stop: () => sshd.stop(),
  };
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function main(): Promise<void> {
  if (sshdSkipReason) {
    console.log(`skipped: ${sshdSkipReason}`);
    return;
  }
  const host = await realHost();
  const pool = new SshPool({
    knownHostsFile: path.join(dir, 'known_hosts'),
    auth: { agentSocket: null, keyPaths: [host.keyFile] },
  });
  const pane = new LogPaneStore({
    instanceId: 1,
    target: { host: '127.0.0.1', port: host.port },
    pool,
    path: host.logPath,
  });
  const seen = new Map<string, number>();
  let count = 0;
  pane.subscribe(() => {
    const t = performance.now();
    const lines = pane.getSnapshot().lines;
    for (let i = Math.max(0, lines.length - 50); i < lines.length; i++) {
      const m = /^mark (\d+)$/.exec(lines[i]!.text);
      if (m && !seen.has(m[1]!)) seen.set(m[1]!, t);
    }
    count++;
  });
  pane.start();
  while (pane.getSnapshot().source !== 'ssh' || pane.getSnapshot().sshState !== 'following')
    await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 300));
  const latencies: number[] = [];
  const sent = new Map<string, number>();
  for (let i = 0; i < LINES; i++) {
    sent.set(String(i), performance.now());
    host.append(`mark ${i}`);
    await new Promise((r) => setTimeout(r, GAP_MS));
  }
  await new Promise((r) => setTimeout(r, 500));
  for (const [k, t0] of sent) if (seen.has(k)) latencies.push(seen.get(k)! - t0);
  pane.stop();
  await pool.close();
  await host.stop();
  rmSync(dir, { recursive: true, force: true });
  const result = {
    host: host.kind,
    lines: LINES,
    received: latencies.length,
    gapMs: GAP_MS,
    emits: count,
    p50Ms: Math.round(pct(latencies, 50) * 10) / 10,
    p95Ms: Math.round(pct(latencies, 95) * 10) / 10,
    maxMs: Math.round(Math.max(...latencies) * 10) / 10,
    targetP50Ms: 150,
    node: process.version,
    at: new Date().toISOString(),
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/logs-latency.json', JSON.stringify(result, null, 2) + '\n');
  if (result.received < LINES) process.exitCode = 1;
}

void main();
