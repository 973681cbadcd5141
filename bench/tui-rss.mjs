// RSS after an idle period (ENGINEERING.md: ≤ 100 MB after 5 min idle), all BUNDLED, in real ptys, side by side:
//   demo   `node bin/vastdeck.js --demo` (the TUI plus the in-process simulator with its 12,000 offers)
//   fake   the real runTui over the in-memory fake API with a 200-instance fleet (vastdeck's own footprint),
//          bundled here like scripts/build.mjs does (production React, devtools stub, vastdeck's Ink patches)
//   sim    `node bin/vastdeck.js sim --speed 30` alone: an estimate of the simulator's share of the demo
// Usage: npm run build && node bench/tui-rss.mjs [--idle-seconds 300] > bench/results/tui-rss.json
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { buildFakeBundle } from './fake-bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const i = process.argv.indexOf('--idle-seconds');
const IDLE_S = i > 0 ? Number(process.argv[i + 1]) : 300;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fakeBundle = await buildFakeBundle();

function start(cmd, env = {}) {
  const child = spawn('python3', ['bench/tui-pty.py', '200', '50', 'sh', '-c', `exec ${cmd}`], {
    cwd: root,
    env: { ...process.env, CI: 'false', TERM: 'xterm-256color', ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdout.resume();
  return child;
}
const nodeUnder = (pid) => {
  // python pty relay → node (sh execs node)
  for (const line of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)) {
    if (!line) continue;
    if (readFileSync(`/proc/${line}/comm`, 'utf8').trim() === 'node') return Number(line);
    const sub = nodeUnder(Number(line));
    if (sub) return sub;
  }
  return 0;
};
const rssMb = (pid) =>
  Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 102.4) / 10;

const runs = {
  demo: start('node bin/vastdeck.js --demo'),
  fake: start(`node ${fakeBundle}`, { FAKE_N: '200', POLL_MS: '10000' }),
  sim: start('node bin/vastdeck.js sim --speed 30'),
};
await sleep(IDLE_S * 1000);
const rss = Object.fromEntries(Object.entries(runs).map(([k, c]) => [k, rssMb(nodeUnder(c.pid))]));
for (const c of Object.values(runs)) c.kill('SIGTERM');
process.stdout.write(
  JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      idleSeconds: IDLE_S,
      rssMb: rss,
      simulatorShareMb: Math.round((rss.demo - rss.fake) * 10) / 10,
      target: 'RSS ≤ 100 MB after 5 min idle (vastdeck\'s own footprint: the "fake" run)',
      notes: [
        'simulatorShareMb = demo − fake (the demo also runs the simulator in-process); "sim" is the simulator ' +
          'alone, as a cross-check.',
      ],
    },
    null,
    2,
  ) + '\n',
);
process.exit(0);
