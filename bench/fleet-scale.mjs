// Fleet-size bench (issue 16): the bundled TUI against the simulator at 10 / 100 / 1,000 / 10,000 instances, in ONE
// run, each figure also as a ratio to the 10-instance figure of the same build and run. Per size, one simulator
// (bench/fleet-scale-sim.ts: bench/scenarios/fleet-N.yaml, Vast's rate limits on, in its own process) serves every
// build given, alternately, so builds are compared side by side:
//   firstDataMs    first paint → the first instance row on screen (median of --runs)
//   first40Ms      first paint → 40 different instance rows drawn (sizes ≥ 40; at 10 the whole fleet is the first
//                  data). Which 40 is the TUI's choice: it shows the first page and the newest page together.
//                  With 40 in --sizes (bench/scenarios/fleet-40.yaml), first40VsFirst40At40 compares each size's
//                  40 rows with the same screen drawn for a fleet of 40: the fleet's size apart from the rows drawn
//   keys           selection move → first frame byte, 40 moves (p50/p95); 200 queued keys drained (a held key,
//                  5 down then 5 up, so every key moves the selection at every size, 10 included)
//   idleCpuPct     CPU of the TUI process (one core = 100) over --idle-seconds (60) at --poll 5, after the settle time;
//                  idleCpuPctThirds is the same window in three parts, to show how much one 20 s window can vary (a
//                  health pass every 30 s, a major GC, the lifecycle driver's first pass at 60 s)
//                  (the 1,000 fleet's first listing takes ~40 s under the rate limit; at 10,000 it is still filling)
//   steadyCpuPct   at --steady-sizes (1,000), the same measure again from --steady-from (165) s after the first data:
//                  the TUI left open, once V8 has compiled what a poll runs (its background compiler threads still
//                  use ~0.3 % in the first window) and the lifecycle driver has made its first pass; steadyRssMb
//                  after it. With --sessions K each size gets K sessions per build: the idle figures are their
//                  medians, each session's own figures kept in `sessions`
//   launchToDataMs spawning the TUI (through the pty relay) → the first instance row (median): what the operator waits
//                  in all, whatever is painted first
//   (each size's simulator is warmed up first with 10 listing calls, a second apart)
//   simAnsweredMs  first paint → the simulator has answered the first screen's two listing calls (median; its own clock
//                  of each answer, bench/fleet-scale-sim.ts): the server's part of first data. simBusyMs: the time it
//                  spent answering every call up to then. It runs on the same cores as the TUI, as no real server does
//   rssMb          the TUI's RSS at the end of the idle window
//   --replay       (with --first-only) the TUI talks to bench/replay-proxy.mjs in front of the simulator, which
//                  serves each listing answer it has seen again from memory: the same bytes, without the simulator's
//                  CPU on the TUI's cores. One unmeasured run per size records the answers. The TUI's own share
// Usage: node scripts/build.mjs && node bench/fleet-scale.mjs [--build NAME=DIR …] [--sizes 10,100,1000,10000]
//        [--runs 3] [--idle-seconds 60] [--sessions 1] [--steady-sizes 1000] [--steady-from 165]
//        [--first-only: first data and 40 rows only] [--pin] [--replay] > bench/results/fleet-scale.json
// A build is a checkout with dist/ built (default: this one, as "after"); e.g. --build before=/tmp/main --build after=.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : def;
};
const builds = [];
// A build's directory is resolved here: the TUI runs with its cwd in a temporary HOME.
argv.forEach((a, i) => {
  if (a !== '--build') return;
  const [name, dir] = argv[i + 1].split('=');
  builds.push([name, path.resolve(dir)]);
});
if (builds.length === 0) builds.push(['after', root]);
const SIZES = opt('--sizes', '10,100,1000,10000').split(',').map(Number);
const RUNS = Number(opt('--runs', 3));
const IDLE_S = Number(opt('--idle-seconds', 60));
const SESSIONS = Number(opt('--sessions', 1));
const STEADY_SIZES = opt('--steady-sizes', '1000').split(',').filter(Boolean).map(Number);
const STEADY_FROM_S = Number(opt('--steady-from', 165));
// --pin: the simulator on CPU 1, the TUI (its relay, node and V8's threads) on CPU 0, as a remote server's work would
// not come out of the operator's CPU. Both builds and every size alike; needs taskset and two CPUs.
const PIN = argv.includes('--pin');
const onCpu = (cpu, command) => (PIN ? ['taskset', '-c', String(cpu), ...command] : command);
const REPLAY = argv.includes('--replay');
if (REPLAY && !argv.includes('--first-only')) throw new Error('--replay measures first data only: add --first-only');
// What firstData() measures, as its result's keys.
const FIRST_DATA_FIGURES = ['firstDataMs', 'first40Ms', 'launchToDataMs', 'simAnsweredMs', 'simBusyMs'];
const DATA_TIMEOUT_MS = Number(opt('--data-timeout', 90)) * 1000;
const settleSeconds = (n) => (n >= 10_000 ? 5 : n >= 1000 ? 45 : 8);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))] : null;
const round = (x) => (x == null ? null : Math.round(x * 10) / 10);
const plain = (t) => t.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '\n');
const log = (...a) => process.stderr.write(a.join(' ') + '\n');

/** The simulator for N instances; resolves to {url, apiKey, firstId, child}. */
async function startSim(n) {
  const timings = path.join(mkdtempSync(path.join(tmpdir(), 'vd-fleet-sim-')), 'timings.jsonl');
  writeFileSync(timings, '');
  const [cmd, ...args] = onCpu(1, [process.execPath, '--import', 'tsx', 'bench/fleet-scale-sim.ts', String(n)]);
  const child = spawn(cmd, args, {
    cwd: root,
    env: { ...process.env, FLEET_SIM_TIMINGS: timings },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    child.stdout.once('data', (b) => resolve(String(b)));
    child.once('exit', (c) => reject(new Error(`simulator exited ${c}`)));
  });
  const sim = { ...JSON.parse(line), child, timings };
  if (!REPLAY) return sim;
  const [pcmd, ...pargs] = onCpu(1, [process.execPath, 'bench/replay-proxy.mjs', sim.url]);
  const proxy = spawn(pcmd, pargs, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise((resolve, reject) => {
    proxy.stdout.once('data', (b) => resolve(String(b)));
    proxy.once('exit', (c) => reject(new Error(`replay proxy exited ${c}`)));
  });
  child.once('exit', () => proxy.kill('SIGTERM'));
  return { ...sim, url: JSON.parse(first).url };
}

/**
 * Warms the simulator up as the headless bench does: `count` listing calls (the newest page and page 1 in turn, the
 * TUI's query), a second apart so they stay within the rate limit. V8 has then optimized its answer, so the first
 * TUI run does not meet a slower server than the later ones.
 */
async function warmSim(sim, count) {
  for (let i = 0; i < count; i++) {
    const query = new URLSearchParams({
      select_filters: '{}',
      order_by: JSON.stringify([{ col: 'id', dir: i % 2 ? 'asc' : 'desc' }]),
      select_cols: JSON.stringify(['id', 'label', 'actual_status', 'dph_total', 'start_date']),
      limit: '25',
    });
    const res = await fetch(`${sim.url}/api/v1/instances/?${query}`, {
      headers: { authorization: `Bearer ${sim.apiKey}` },
    });
    await res.arrayBuffer();
    await sleep(1100);
  }
}

/**
 * The simulator's side of a first screen: from `paintEpoch` (epoch ms), when it finished answering the first two
 * listing calls after `launchEpoch` (the newest page and page 1), and how long it spent answering every call that
 * came before then (the balance's included).
 */
function simFirstScreen(sim, launchEpoch, paintEpoch) {
  const calls = readFileSync(sim.timings, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((c) => c.at >= launchEpoch)
    .sort((a, b) => a.at - b.at);
  const listing = calls.filter((c) => c.path === '/api/v1/instances/').slice(0, 2);
  if (listing.length < 2) return { answeredMs: null, busyMs: null };
  const answered = Math.max(...listing.map((c) => c.at + c.ms));
  const busy = calls.filter((c) => c.at < answered).reduce((s, c) => s + c.ms, 0);
  return { answeredMs: answered - paintEpoch, busyMs: busy };
}

/** The TUI of `dir` in a 200×50 pty against the simulator. */
function tui(dir, sim) {
  const home = mkdtempSync(path.join(tmpdir(), 'vd-fleet-scale-'));
  const env = {
    ...process.env,
    CI: 'false',
    FORCE_COLOR: '3',
    TERM: 'xterm-256color',
    HOME: home,
    XDG_CONFIG_HOME: `${home}/.config`,
    XDG_STATE_HOME: `${home}/.state`,
    XDG_CACHE_HOME: `${home}/.cache`,
    VASTDECK_STATE_DIR: `${home}/state`,
    TUI_PTY_MARK: 'vastdeck',
    TUI_PTY_REPORT: `${home}/paint`,
  };
  for (const k of Object.keys(env)) if (k.startsWith('VAST_')) delete env[k];
  const cmd = ['node', path.join(dir, 'bin/vastdeck.js'), '--api-url', sim.url, '--api-key', sim.apiKey, '--poll', '5'];
  const [exe, ...args] = onCpu(0, ['python3', path.join(root, 'bench/tui-pty.py'), '200', '50', ...cmd]);
  const child = spawn(exe, args, {
    cwd: home,
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const chunks = [];
  let text = '';
  child.stdout.on('data', (b) => {
    chunks.push({ t: performance.now(), n: b.length });
    text += b.toString('utf8');
  });
  const until = async (pred, ms) => {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      if (pred(text)) return performance.now();
      await sleep(2);
    }
    return null;
  };
  return {
    child,
    chunks,
    until,
    text: () => text,
    async stop() {
      child.stdin.write('q');
      const done = new Promise((r) => child.on('exit', r));
      if (!(await Promise.race([done.then(() => true), sleep(3000).then(() => false)]))) child.kill('SIGKILL');
    },
  };
}

const idRow = (id) => new RegExp(`[\\n›]\\s*${id}\\s`);
/** How many different instance rows of the simulated fleet the output has drawn so far. */
function rowsDrawn(text, sim, n) {
  const ids = new Set();
  for (const m of plain(text).matchAll(/[\n›]\s*(\d+)\s/g)) {
    const id = Number(m[1]);
    if (id >= sim.firstId && id < sim.firstId + n) ids.add(id);
  }
  return ids.size;
}

/** First paint → first row, and → the 40th row; launch (the relay's spawn) → first row. */
async function firstData(dir, sim, n) {
  const launch = performance.now();
  const p = tui(dir, sim);
  const paint = await p.until((t) => t.includes('vastdeck'), 20_000);
  const first = paint && (await p.until((t) => idRow(sim.firstId).test(plain(t)), DATA_TIMEOUT_MS));
  const forty = first && n >= 40 ? await p.until((t) => rowsDrawn(t, sim, n) >= 40, DATA_TIMEOUT_MS) : first;
  await p.stop();
  const s = paint ? simFirstScreen(sim, performance.timeOrigin + launch, performance.timeOrigin + paint) : {};
  return {
    firstDataMs: first && first - paint,
    first40Ms: forty && forty - paint,
    launchToDataMs: first && first - launch,
    simAnsweredMs: s.answeredMs ?? null,
    simBusyMs: s.busyMs ?? null,
  };
}

/** 40 selection moves (latency to the first byte), then 200 queued keys, then idle CPU and RSS. */
async function session(dir, sim, n) {
  const p = tui(dir, sim);
  const out = {};
  const t0 = performance.now();
  const first = await p.until((t) => idRow(sim.firstId).test(plain(t)), DATA_TIMEOUT_MS + 20_000);
  if (first) {
    await sleep(1500);
    const lat = [];
    for (let i = 0; i < 40; i++) {
      const before = p.chunks.length;
      const t = performance.now();
      p.child.stdin.write(i % 10 < 5 ? 'j' : 'k');
      while (p.chunks.length === before && performance.now() - t < 1000) await sleep(0.5);
      if (p.chunks.length > before) lat.push(p.chunks[before].t - t);
      await sleep(120);
    }
    out.keyMs = { p50: round(pct(lat, 0.5)), p95: round(pct(lat, 0.95)), samples: lat.length };
    const t = performance.now();
    const sent = p.chunks.length;
    p.child.stdin.write('jjjjjkkkkk'.repeat(20));
    // Quiet counts from the first frame after the keys: a TUI busy for 150 ms before it (a publish, a GC) once
    // read as a 5 ms drain.
    while (p.chunks.length === sent && performance.now() - t < 5000) await sleep(1);
    let last = p.chunks.length;
    let quietSince = performance.now();
    while (performance.now() - quietSince < 150) {
      await sleep(5);
      if (p.chunks.length !== last) (last = p.chunks.length), (quietSince = performance.now());
    }
    out.drain200Ms = round(quietSince - t);
  }
  const settleMs = settleSeconds(n) * 1000 - (performance.now() - (first ?? t0));
  if (settleMs > 0) await sleep(settleMs);
  const pid = nodeUnder(p.child.pid);
  if (!pid) {
    const tail = plain(p.text()).split('\n').filter(Boolean).slice(-12).join('\n');
    throw new Error(`the TUI at ${n} instances is no longer running; its last lines:\n${tail}`);
  }
  const early = await cpuWindow(pid);
  out.idleCpuPct = early.pct;
  out.idleCpuPctThirds = early.thirds;
  out.rssMb = rssMb(pid);
  if (STEADY_SIZES.includes(n)) {
    const wait = STEADY_FROM_S * 1000 - (performance.now() - (first ?? t0));
    if (wait > 0) await sleep(wait);
    const steady = await cpuWindow(pid);
    out.steadyCpuPct = steady.pct;
    out.steadyCpuPctThirds = steady.thirds;
    out.steadyRssMb = rssMb(pid);
  }
  out.dataShown = first !== null;
  await p.stop();
  return out;
}

/** CPU of `pid` (one core = 100) over the next IDLE_S seconds, whole and in thirds. */
async function cpuWindow(pid) {
  const ticks = [cpuTicks(pid)];
  for (let k = 0; k < 3; k++) {
    await sleep((IDLE_S * 1000) / 3);
    ticks.push(cpuTicks(pid));
  }
  return {
    pct: round(((ticks[3] - ticks[0]) / 100 / IDLE_S) * 100),
    thirds: [1, 2, 3].map((k) => round(((ticks[k] - ticks[k - 1]) / 100 / (IDLE_S / 3)) * 100)),
  };
}

const rssMb = (pid) => round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024);

/** The figures of K sessions of one build: keys and drain from the first, idle CPU and RSS as medians (thirds and
 * every session's own figures under `sessions`). */
function mergeSessions(list) {
  if (list.length === 1) return list[0];
  const med = (k) =>
    round(
      pct(
        list.map((s) => s[k]).filter((x) => x != null),
        0.5,
      ),
    );
  const out = { ...list[0] };
  for (const k of ['idleCpuPct', 'rssMb', 'steadyCpuPct', 'steadyRssMb']) if (k in out) out[k] = med(k);
  delete out.idleCpuPctThirds;
  delete out.steadyCpuPctThirds;
  out.sessions = list;
  return out;
}

/** A /proc file's text, or '' when the process has already exited. */
function procText(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function nodeUnder(pid) {
  for (const c of procText(`/proc/${pid}/task/${pid}/children`).trim().split(/\s+/)) {
    if (!c) continue;
    if (procText(`/proc/${c}/comm`).trim() === 'node') return Number(c);
    const sub = nodeUnder(Number(c));
    if (sub) return sub;
  }
  return 0;
}
function cpuTicks(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
}

const results = {
  date: new Date().toISOString(),
  node: process.version,
  runs: RUNS,
  idleSeconds: IDLE_S,
  sessions: SESSIONS,
  steadyFromSeconds: STEADY_FROM_S,
  pollSeconds: 5,
  pinned: PIN ? 'simulator on CPU 1, TUI on CPU 0' : false,
  replay: REPLAY ? 'answers seen once served again by bench/replay-proxy.mjs (simAnswered/Busy then null)' : false,
  builds: Object.fromEntries(builds),
  sizes: SIZES,
  figures: {},
  ratiosVs10: {},
  notes: [
    'Side by side: each size has one simulator process (rate limits on: the listing allows 1 call a second ' +
      'after a burst of 5) serving every build in turn; a 6 s pause between TUI starts refills the limit.',
    `Idle CPU is measured after ${settleSeconds(1000)} s at 1,000 (the first listing, 40 pages, is done) and ` +
      `after ${settleSeconds(10_000)} s at 10,000 (its 400 pages are still arriving), ${settleSeconds(10)} s ` +
      `below.`,
    `Steady idle (steadyCpuPct) is measured from ${STEADY_FROM_S} s after the first data at ` +
      `${STEADY_SIZES.join(', ')}: the TUI left open, after V8's compiler has caught up with what a poll runs and ` +
      'the lifecycle driver has made its first pass (60 s). idleCpuPct still shows the first minutes.',
    `A figure is null when the TUI showed no row within ${DATA_TIMEOUT_MS / 1000} s.`,
  ],
};
for (const [name] of builds) results.figures[name] = {};

for (const n of SIZES) {
  log(`size ${n}: starting the simulator`);
  const sim = await startSim(n);
  await warmSim(sim, 10);
  await sleep(6000);
  // First data: the builds take turns run by run, so load that comes and goes hits them alike.
  // Each run's figures, by build and figure (FIRST_DATA_FIGURES); the medians go into the results.
  const got = Object.fromEntries(
    builds.map(([name]) => [name, Object.fromEntries(FIRST_DATA_FIGURES.map((k) => [k, []]))]),
  );
  const runs = n >= 10_000 ? Math.max(1, Math.min(RUNS, 3)) : RUNS;
  if (REPLAY) {
    await firstData(builds[0][1], sim, n); // records the answers the measured runs replay
    await sleep(6000);
  }
  for (let r = 0; r < runs; r++) {
    for (const [name, dir] of builds) {
      const x = await firstData(dir, sim, n);
      log(
        `  ${name} run ${r}: first data ${round(x.firstDataMs)} ms, 40 rows ${round(x.first40Ms)} ms; ` +
          `simulator: first screen answered ${round(x.simAnsweredMs)} ms, busy ${round(x.simBusyMs)} ms`,
      );
      for (const k of FIRST_DATA_FIGURES) if (x[k] != null) got[name][k].push(x[k]);
      await sleep(6000);
    }
  }
  // Sessions: the builds take turns too.
  const sessions = Object.fromEntries(builds.map(([name]) => [name, []]));
  for (let k = 0; k < (argv.includes('--first-only') ? 0 : SESSIONS); k++) {
    for (const [name, dir] of builds) {
      sessions[name].push(await session(dir, sim, n));
      log(`  ${name} session ${k}: ${JSON.stringify(sessions[name][k])}`);
      await sleep(6000);
    }
  }
  for (const [name] of builds) {
    results.figures[name][n] = {
      ...Object.fromEntries(FIRST_DATA_FIGURES.map((k) => [k, round(pct(got[name][k], 0.5))])),
      ...(sessions[name].length ? mergeSessions(sessions[name]) : {}),
    };
  }
  sim.child.kill('SIGTERM');
  await new Promise((r) => sim.child.once('exit', r));
}

const ratio = (a, b) => (a == null || b == null || b === 0 ? null : Math.round((a / b) * 100) / 100);
for (const [name] of builds) {
  const f = results.figures[name];
  const base = f[10];
  results.ratiosVs10[name] = Object.fromEntries(
    SIZES.map((n) => [
      n,
      {
        firstData: ratio(f[n]?.firstDataMs, base?.firstDataMs),
        first40VsFirstDataAt10: ratio(f[n]?.first40Ms, base?.firstDataMs),
        // With 40 in --sizes: the same screen of 40 rows, drawn for a fleet of 40 (the 10 fleet draws 10 rows).
        first40VsFirst40At40: ratio(f[n]?.first40Ms, f[40]?.first40Ms),
        drain200: ratio(f[n]?.drain200Ms, base?.drain200Ms),
        keyP95: ratio(f[n]?.keyMs?.p95, base?.keyMs?.p95),
      },
    ]),
  );
}
results.goals = {
  'firstData at 1,000 ≤ 1.2× the 10 figure': 'ratiosVs10.*.1000.firstData',
  '40 rows at 10,000 as fast as first data at 10': 'ratiosVs10.*.10000.first40VsFirstDataAt10',
  'drain at 1,000 ≤ 1.5× the 10 figure': 'ratiosVs10.*.1000.drain200',
  'idle CPU at 1,000 ≤ 1 % (steadyCpuPct; idleCpuPct is the first minutes), RSS ≤ 110 MB': 'figures.*.1000',
  'at 10,000 keys p95 ≤ 35 ms, idle ≤ 2 %': 'figures.*.10000',
};
process.stdout.write(JSON.stringify(results, null, 2) + '\n');
process.exit(0);
