// Headless and start-up cost against Node's floor, as ratios measured in one run (issue #16):
//  1. `vastdeck instances --json` (bundled, 10 instances, simulator on 127.0.0.1 without rate limits) against
//     bench/headless-plain.mjs, a plain node:http client making the same requests: wall time p50, peak RSS p50
//     (VmHWM via /usr/bin/time's %M), runs alternating.
//  2. First paint: `vastdeck --demo` in a 120×40 pty (bench/tui-pty.py, timed from its fork to the first output
//     holding "vastdeck": the title bar, drawn before React and Ink load) against `node -e` printing one line the
//     same way, alternating; also Ink's first whole frame (the first output holding the table's "LABEL" header).
// Usage: node bench/headless.mjs [--runs N] [--paint-runs N] [--bundle DIR] > bench/results/headless.json
//   --bundle DIR: measure another checkout's build (DIR/bin/vastdeck.js), e.g. main's for a before/after.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : def;
};
const RUNS = Number(arg('--runs', 21));
const PAINT_RUNS = Number(arg('--paint-runs', 15));
const bundle = path.resolve(arg('--bundle', root));
const p50 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const tmp = mkdtempSync(path.join(tmpdir(), 'vd-headless-'));
// A clean home: no user config, keys or state reach either side.
const env = {
  ...process.env,
  HOME: tmp,
  XDG_CONFIG_HOME: path.join(tmp, 'config'),
  XDG_STATE_HOME: path.join(tmp, 'state'),
  VASTDECK_STATE_DIR: path.join(tmp, 'vd'),
};
delete env.VAST_API_KEY;
delete env.VAST_URL;

/** Runs argv under /usr/bin/time; resolves with wall ms (from spawn to exit), peak RSS in MB and stdout. */
function measured(argv) {
  const rss = path.join(tmp, 'rss');
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', rss, ...argv], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.on('exit', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) return reject(new Error(`${argv.join(' ')} exited ${code}`));
      resolve({ ms, mb: Number(readFileSync(rss, 'utf8').trim().split('\n').pop()) / 1024, out });
    });
  });
}

const results = {
  date: new Date().toISOString(),
  node: process.version,
  bundle: path.relative(root, bundle) || '.',
  runs: RUNS,
  paintRuns: PAINT_RUNS,
};

// 1. instances --json against the plain client.
{
  const sim = spawn(
    process.execPath,
    ['bin/vastdeck.js', 'sim', '--scenario', 'bench/headless-10.yaml', '--no-rate-limit'],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = await new Promise((resolve, reject) => {
    let text = '';
    sim.stdout.on('data', (b) => {
      text += b;
      if (/VAST_API_KEY=\S+\n/.test(text)) resolve(text);
    });
    sim.on('exit', () => reject(new Error('the simulator exited: ' + text)));
  });
  const url = /VAST_URL=(\S+)/.exec(lines)[1];
  const key = /VAST_API_KEY=(\S+)/.exec(lines)[1];
  const vd = [
    process.execPath,
    path.join(bundle, 'bin/vastdeck.js'),
    'instances',
    '--json',
    '--api-url',
    url,
    '--api-key',
    key,
  ];
  const plain = [process.execPath, 'bench/headless-plain.mjs', url, key];
  const a = { ms: [], mb: [] };
  const b = { ms: [], mb: [] };
  // One warm-up each (disk cache, the simulator's first answers), then alternating.
  const first = await measured(vd);
  const firstPlain = await measured(plain);
  const count = JSON.parse(first.out).length;
  if (count !== 10 || JSON.parse(firstPlain.out).length !== 10) throw new Error(`expected 10 instances, got ${count}`);
  for (let i = 0; i < RUNS; i++) {
    for (const [argv, into] of i % 2
      ? [
          [plain, b],
          [vd, a],
        ]
      : [
          [vd, a],
          [plain, b],
        ]) {
      const r = await measured(argv);
      into.ms.push(r.ms);
      into.mb.push(r.mb);
    }
  }
  sim.kill('SIGINT');
  results.instancesJson = {
    instances: count,
    vastdeck: { wallMsP50: round(p50(a.ms)), peakRssMbP50: round(p50(a.mb)) },
    plainNodeHttp: { wallMsP50: round(p50(b.ms)), peakRssMbP50: round(p50(b.mb)) },
    timeRatio: round(p50(a.ms) / p50(b.ms), 2),
    memoryRatio: round(p50(a.mb) / p50(b.mb), 2),
    target: 'time ≤ 1.5×, memory ≤ 1.3×',
  };
}

// 2. First paint against node -e in the same pty.
{
  const report = path.join(tmp, 'paint');
  const paintOf = async (argv, mark = 'vastdeck') => {
    rmSync(report, { force: true });
    const child = spawn('python3', ['bench/tui-pty.py', '120', '40', ...argv], {
      cwd: root,
      env: {
        ...env,
        CI: 'false',
        FORCE_COLOR: '3',
        TERM: 'xterm-256color',
        TUI_PTY_MARK: mark,
        TUI_PTY_REPORT: report,
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    child.stdout.resume();
    const end = performance.now() + 15_000;
    while (!existsSync(report) || !readFileSync(report, 'utf8')) {
      if (performance.now() > end) throw new Error('no first paint within 15 s: ' + argv.join(' '));
      await new Promise((r) => setTimeout(r, 5));
    }
    const ms = Number(readFileSync(report, 'utf8'));
    child.stdin.write('q');
    const exited = new Promise((r) => child.on('exit', r));
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    return ms;
  };
  const paint = [];
  const floor = [];
  const inkFrame = [];
  const tui = [process.execPath, path.join(bundle, 'bin/vastdeck.js'), '--demo'];
  const node = [process.execPath, '-e', "process.stdout.write('vastdeck\\n'); setTimeout(() => {}, 300)"];
  await paintOf(tui);
  for (let i = 0; i < PAINT_RUNS; i++) {
    for (const [argv, into] of i % 2
      ? [
          [node, floor],
          [tui, paint],
        ]
      : [
          [tui, paint],
          [node, floor],
        ])
      into.push(await paintOf(argv));
    // Ink's first whole frame (the fleet table's header), after React and Ink have loaded: not the goal's figure,
    // which is the first paint (the title bar, drawn before them), but what the screen holds once it is whole.
    inkFrame.push(await paintOf(tui, 'LABEL'));
  }
  results.firstPaint = {
    vastdeckMsP50: round(p50(paint)),
    nodeMsP50: round(p50(floor)),
    ratio: round(p50(paint) / p50(floor), 2),
    target: '≤ 2×',
    inkWholeFrameMsP50: round(p50(inkFrame)),
    inkWholeFrameRatio: round(p50(inkFrame) / p50(floor), 2),
  };
}

rmSync(tmp, { recursive: true, force: true });
process.stdout.write(JSON.stringify(results, null, 2) + '\n');
