/**
 * The health table (HEALTH in core/fleet/health.ts) is the one place a health state is described: every consumer
 * reads its row, unknown or absent health never reads as ok, and the stall rule exists once (stallOf).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  HEALTH,
  HEALTH_STATES,
  HealthTracker,
  classifyHealth,
  healthCell,
  healthInfo,
  stallOf,
  type Health,
  type HealthState,
} from '../../src/core/fleet/health.js';
import { whyNotProjected, type RunInput } from '../../src/core/cost/projection.js';
import { decide, initialLifecycleState } from '../../src/core/lifecycle/policy.js';
import { KEEP_ALL } from '../../src/core/lifecycle/rules.js';
import { ApiLogHealth } from '../../src/core/watch/api-health.js';
import { DARK } from '../../src/ui/theme.js';
import { LEVEL_TOKEN, healthColor, levelColor } from '../../src/ui/theme-context.js';
import { layoutColumns, GAP } from '../../src/ui/cells.js';
import { fleetRow, rowSegments } from '../../src/core/present/index.js';
import { FAKE_NOW, makeInstance } from '../ui/fake-api.js';
import { inst } from '../cost/fixtures.js';

const MIN = 60_000;
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

describe('the HEALTH table', () => {
  test("every state has a row; the cell is the row's label and severity", () => {
    assert.ok(HEALTH_STATES.length >= 7 && HEALTH_STATES.includes('unknown'));
    for (const state of HEALTH_STATES) {
      assert.deepEqual(
        healthCell({ state, step: 7 }),
        { step: 7, text: HEALTH[state].label, level: HEALTH[state].severity },
        state,
      );
    }
    assert.equal(healthCell({ state: 'crashed' }).level, 'error');
    assert.equal(healthCell({ state: 'stalled' }).level, 'warn');
  });

  test('unknown and absent health read as unknown, never ok', () => {
    assert.equal(healthCell({ state: 'unknown' }).level, 'unknown');
    // A value that is not a state (an old journal, a foreign caller) and no state at all: the unknown row.
    for (const v of ['oom', 'ok', '', null, undefined, 'constructor', 'toString']) {
      assert.equal(healthInfo(v), HEALTH.unknown, String(v));
      assert.equal(healthCell({ state: v as HealthState }).level, 'unknown', String(v));
    }
    // Drawn uncoloured, not in ok's colour.
    assert.equal(LEVEL_TOKEN['health-unknown'], null);
    assert.equal(healthColor(DARK, 'unknown'), undefined);
    assert.equal(healthColor(DARK, 'ok'), DARK.colors['status.running']);
    assert.notEqual(levelColor(DARK, 'health-unknown'), levelColor(DARK, 'health-ok'));
    const cols = layoutColumns(200);
    const levels = (level: 'ok' | 'unknown') =>
      rowSegments(fleetRow(makeInstance(0), FAKE_NOW, undefined, { step: null, text: 'x', level }), cols, GAP).map(
        (s) => s.level,
      );
    assert.ok(levels('ok').includes('health-ok'));
    assert.ok(!levels('unknown').some((l) => l?.startsWith('health-')), 'unknown health has no health colour');
  });

  test('consumers read the row: projection, lifecycle, for every state', () => {
    const run = (state: HealthState): RunInput => ({
      instanceId: 1,
      label: 'x',
      gpuName: 'H100',
      numGpus: 1,
      dph: 2,
      step: 10,
      targetStep: 100,
      rates: [1],
      health: { state },
    });
    const rules = { ...KEEP_ALL, onFinish: 'stop' as const, onCrash: 'destroy' as const };
    for (const state of HEALTH_STATES) {
      const info = HEALTH[state];
      assert.equal(whyNotProjected(run(state)) === null, info.projects, `projects: ${state}`);
      const { actions } = decide(
        initialLifecycleState(),
        [{ inst: inst(1, { status: 'running' }), rules, health: state }],
        0,
      );
      assert.equal(actions[0]?.trigger ?? null, info.ends, `lifecycle trigger: ${state}`);
    }
  });

  test('no module compares a health state with a literal where the row says it (only health.ts knows the names)', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const f = path.join(d, n);
        if (statSync(f).isDirectory()) walk(f);
        else if (/\.tsx?$/.test(n)) files.push(f);
      }
    };
    walk(path.join(ROOT, 'src', 'core'));
    walk(path.join(ROOT, 'src', 'ui'));
    walk(path.join(ROOT, 'src', 'cli'));
    const names = HEALTH_STATES.join('|');
    const cmp = new RegExp(`(state|health|level)\\s*[!=]==\\s*'(${names})'`);
    const hits: string[] = [];
    for (const f of files) {
      const rel = path.relative(ROOT, f);
      if (rel === path.join('src', 'core', 'fleet', 'health.ts')) continue;
      readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          // The keeper's stuck-setup rule is a rule about that one state, not a property of it.
          if (rel.endsWith(path.join('keeper', 'policy.ts')) && line.includes("health.state === 'setup'")) return;
          if (cmp.test(line)) hits.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
    }
    assert.deepEqual(hits, []);
  });
});

describe('stall detection exists once (stallOf)', () => {
  test('the rule: training on a running instance, no advance for stallAfterMs', () => {
    const training: Health = { state: 'training', step: 5, detail: 'eta 3m' };
    assert.equal(
      stallOf(training, { status: 'running', lastAdvanceAt: 0, now: 14 * MIN, stallAfterMs: 15 * MIN }),
      training,
    );
    assert.deepEqual(
      stallOf(training, { status: 'running', lastAdvanceAt: 0, now: 15 * MIN, stallAfterMs: 15 * MIN }),
      { state: 'stalled', step: 5, detail: 'no step advance for 15m', since: 0 },
    );
    assert.equal(stallOf(training, { status: 'stopped', lastAdvanceAt: 0, now: 99 * MIN }), training);
    assert.equal(stallOf(training, { status: 'running', now: 99 * MIN }), training);
    const crashed: Health = { state: 'crashed', detail: 'x' };
    assert.equal(stallOf(crashed, { status: 'running', lastAdvanceAt: 0, now: 99 * MIN }), crashed);
    assert.match(
      stallOf({ state: 'training', step: 3, unit: 'games' }, { status: 'running', lastAdvanceAt: 0, now: 20 * MIN })
        .detail!,
      /^no games counted for 20m$/,
    );
  });

  test('the SSH tracker and the logs-API watcher stall the same run the same way', async () => {
    const log = 'step=100 loss=2.0\n';
    const t = new HealthTracker({ stallAfterMs: 15 * MIN });
    t.setStatus('running', 0);
    t.feed(log, 0);
    const ssh = t.health(20 * MIN);
    let now = 0;
    const api = new ApiLogHealth({ getLogs: async () => log }, { now: () => now, stallAfterMs: 15 * MIN });
    assert.equal((await api.healthOf(inst(1, { status: 'running' }))).state, 'training');
    now = 20 * MIN;
    const viaApi = await api.healthOf(inst(1, { status: 'running' }));
    assert.equal(ssh.state, 'stalled');
    assert.deepEqual({ ...viaApi }, { ...ssh });
    assert.deepEqual(
      classifyHealth({
        status: 'running',
        progress: { step: 100 },
        lastAdvanceAt: 0,
        now: 20 * MIN,
        stallAfterMs: 15 * MIN,
      }).state,
      'stalled',
    );
  });

  test('the stall sentence is written once in the sources', () => {
    const hits: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const f = path.join(d, n);
        if (statSync(f).isDirectory()) walk(f);
        else if (/\.tsx?$/.test(n) && readFileSync(f, 'utf8').includes("'step advance'"))
          hits.push(path.relative(ROOT, f));
      }
    };
    walk(path.join(ROOT, 'src'));
    assert.deepEqual(hits, [path.join('src', 'core', 'fleet', 'health.ts')]);
  });
});
