import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decide,
  defaultRules,
  initialState,
  lowCredit,
  nextCheckMs,
  recordLaunch,
  type KeeperState,
  type Observation,
  type WorkerObs,
} from '../../src/core/keeper/policy.js';
import type { Health } from '../../src/core/fleet/health.js';
import { makeInstance } from '../ui/fake-api.js';

const T0 = 1_800_000_000_000;
const MIN = 60_000;

function w(i: number, over: Parameters<typeof makeInstance>[1], health: Health | null = null): WorkerObs {
  return { inst: makeInstance(i, { label: `k-${i}`, machineId: 900 + i, startedAt: T0 - MIN, ...over }), health };
}
function obs(now: number, workers: WorkerObs[], credit: number | null = 1000): Observation {
  return {
    now,
    workers,
    credit,
    accountBurnPerHour: workers.reduce((s, x) => s + x.inst.dphTotal, 0),
    clockOffsetMs: 0,
  };
}
const training = (step: number): Health => ({ state: 'training', step });

test('a full healthy fleet: no actions', () => {
  const s = initialState(T0);
  const r = decide(
    s,
    obs(T0, [
      w(0, { status: 'running', dphTotal: 0.5 }, training(10)),
      w(1, { status: 'running', dphTotal: 0.5 }, training(20)),
    ]),
    defaultRules(2),
  );
  assert.deepEqual(r.actions, []);
});

test('missing workers are launched; pending launches count until listed or 5 minutes pass', () => {
  let s = initialState(T0);
  const rules = defaultRules(3);
  let r = decide(s, obs(T0, [w(0, { status: 'running' }, training(1))]), rules);
  assert.deepEqual(
    r.actions.map((a) => a.type === 'launch' && a.count),
    [2],
  );
  s = recordLaunch(r.state, [7001, 7002], T0);
  r = decide(s, obs(T0 + MIN, [w(0, { status: 'running' }, training(2))]), rules);
  assert.deepEqual(r.actions, [], 'two unlisted launches still count');
  r = decide(r.state, obs(T0 + 6 * MIN, [w(0, { status: 'running' }, training(3))]), rules);
  assert.deepEqual(
    r.actions.map((a) => a.type === 'launch' && a.count),
    [2],
    'launches never listed are forgotten',
  );
});

test('over price: replaced at once, not counted as a host failure', () => {
  const r = decide(
    initialState(T0),
    obs(T0, [w(0, { status: 'running', dphTotal: 2.5 }, training(5))]),
    defaultRules(1, { maxDph: 1 }),
  );
  assert.equal(r.actions[0]!.type, 'replace');
  assert.match(r.actions[0]!.reason, /costs \$2\.500\/hr, over the \$1\.000\/hr limit/);
  assert.deepEqual(r.state.failures, {});
  assert.equal(r.actions[1]!.type, 'launch');
});

test('fatal: replaced only after the 5-minute grace, and only once', () => {
  const rules = defaultRules(1);
  const crashed: Health = { state: 'crashed', detail: 'torch.OutOfMemoryError: CUDA out of memory' };
  // A crashed worker no longer counts toward N: its replacement is launched at once, it is destroyed after the grace.
  let r = decide(initialState(T0), obs(T0, [w(0, { status: 'running' }, crashed)]), rules);
  assert.deepEqual(
    r.actions.map((a) => a.type),
    ['launch'],
  );
  r = decide(recordLaunch(r.state, [7999], T0), obs(T0 + 4 * MIN, [w(0, { status: 'running' }, crashed)]), rules);
  assert.deepEqual(r.actions, []);
  r = decide(
    r.state,
    obs(T0 + 5 * MIN, [w(0, { status: 'running' }, crashed), w(9, { id: 7999, status: 'loading', startedAt: T0 })]),
    rules,
  );
  assert.deepEqual(
    r.actions.map((a) => a.type),
    ['replace'],
    'no second launch: the replacement is already booting',
  );
  assert.equal(r.actions[0]!.type === 'replace' && r.actions[0]!.trigger, 'fatal');
  assert.match(r.actions[0]!.reason, /crashed \(torch.OutOfMemoryError: CUDA out of memory\) for 5 min/);
  r = decide(
    recordLaunch(r.state, [8000], T0 + 5 * MIN),
    obs(T0 + 6 * MIN, [w(0, { status: 'running' }, crashed)]),
    rules,
  );
  assert.deepEqual(r.actions, [], 'a replaced worker still listed is not replaced again');
});

test('a crash that clears within the grace is forgiven', () => {
  const rules = defaultRules(1);
  let r = decide(initialState(T0), obs(T0, [w(0, { status: 'exited' })]), rules);
  r = decide(r.state, obs(T0 + 3 * MIN, [w(0, { status: 'running' }, training(9))]), rules);
  r = decide(r.state, obs(T0 + 8 * MIN, [w(0, { status: 'running' }, training(12))]), rules);
  assert.deepEqual(r.actions, []);
});

test('stuck boot counts from creation; stuck setup from entering running', () => {
  const rules = defaultRules(2);
  const boot = w(0, { status: 'loading', startedAt: T0 - 9 * MIN });
  const setup = w(1, { status: 'running' }, { state: 'setup' });
  let r = decide(initialState(T0), obs(T0, [boot, setup]), rules);
  assert.deepEqual(r.actions, []);
  r = decide(r.state, obs(T0 + MIN, [boot, setup]), rules);
  assert.deepEqual(
    r.actions.map((a) => a.type === 'replace' && a.trigger),
    ['stuck-boot', false],
  );
  r = decide(r.state, obs(T0 + 10 * MIN, [boot, setup]), rules);
  assert.deepEqual(
    r.actions.map((a) => a.type === 'replace' && a.trigger),
    ['stuck-setup', false],
  );
});

test('no progress: the same step for 15 minutes', () => {
  const rules = defaultRules(1);
  let r = decide(initialState(T0), obs(T0, [w(0, { status: 'running' }, training(500))]), rules);
  r = decide(r.state, obs(T0 + 10 * MIN, [w(0, { status: 'running' }, training(501))]), rules);
  r = decide(r.state, obs(T0 + 24 * MIN, [w(0, { status: 'running' }, training(501))]), rules);
  assert.deepEqual(r.actions, [], '14 minutes since the step last moved');
  r = decide(r.state, obs(T0 + 25 * MIN, [w(0, { status: 'running' }, training(501))]), rules);
  assert.equal(r.actions[0]!.type === 'replace' && r.actions[0]!.trigger, 'no-progress');
});

test('a switched-off trigger never fires', () => {
  const rules = defaultRules(1, { noProgressMs: null, fatalGraceMs: null });
  let r = decide(initialState(T0), obs(T0, [w(0, { status: 'running' }, training(5))]), rules);
  r = decide(r.state, obs(T0 + 99 * MIN, [w(0, { status: 'running' }, training(5))]), rules);
  r = decide(r.state, obs(T0 + 199 * MIN, [w(0, { status: 'exited' })]), rules);
  assert.deepEqual(
    r.actions.filter((a) => a.type === 'replace'),
    [],
    'never replaced (an exited worker is not counted, so one is launched)',
  );
});

test('a machine failing twice is blacklisted once', () => {
  const rules = defaultRules(1, { fatalGraceMs: 0 });
  let r = decide(initialState(T0), obs(T0, [w(0, { status: 'exited', machineId: 42 })]), rules);
  assert.deepEqual(
    r.actions.map((a) => a.type),
    ['replace', 'launch'],
  );
  r = decide(r.state, obs(T0 + MIN, [w(1, { status: 'exited', machineId: 42 })]), rules);
  assert.deepEqual(
    r.actions.map((a) => a.type),
    ['replace', 'blacklist', 'launch'],
  );
  assert.deepEqual(r.state.blacklist, [42]);
  r = decide(r.state, obs(T0 + 2 * MIN, [w(2, { status: 'exited', machineId: 42 })]), rules);
  assert.deepEqual(
    r.actions.map((a) => a.type),
    ['replace', 'launch'],
    'already blacklisted',
  );
});

test('low credit pauses launches (min balance, runway < 1 h) and resumes once', () => {
  const rules = defaultRules(2, { minBalance: 20 });
  const one = [w(0, { status: 'running', dphTotal: 1 }, training(1))];
  let r = decide(initialState(T0), obs(T0, one, 10), rules);
  assert.deepEqual(
    r.actions.map((a) => a.type),
    ['pause-launches'],
  );
  assert.match(r.actions[0]!.reason, /credit \$10\.00 is below the \$20\.00 minimum/);
  r = decide(r.state, obs(T0 + MIN, one, 10), rules);
  assert.deepEqual(r.actions, [], 'paused once, no repeat');
  r = decide(r.state, obs(T0 + 2 * MIN, one, 500), rules);
  assert.deepEqual(
    r.actions.map((a) => a.type),
    ['resume-launches', 'launch'],
  );
  assert.match(lowCredit({ credit: 30, accountBurnPerHour: 40 }, { minRunwayHours: 1 })!, /runway 0\.8 h/);
  assert.equal(lowCredit({ credit: null, accountBurnPerHour: 40 }, { minRunwayHours: 1 }), null);
});

test('checks every minute for 30 minutes, then every 10', () => {
  const s: Pick<KeeperState, 'startedAt'> = { startedAt: T0 };
  assert.equal(nextCheckMs(s, T0 + 29 * MIN), MIN);
  assert.equal(nextCheckMs(s, T0 + 31 * MIN), 10 * MIN);
});

test('decide is pure: the input state is not changed', () => {
  const s = initialState(T0);
  const before = JSON.stringify(s);
  decide(
    s,
    obs(T0, [w(0, { status: 'exited' }), w(1, { status: 'loading', startedAt: T0 - 99 * MIN })]),
    defaultRules(3, { fatalGraceMs: 0 }),
  );
  assert.equal(JSON.stringify(s), before);
});

test('only training, or booting within its grace, counts toward N: stopped, exited, finished and crashed do not', () => {
  // The fleet: "5 workers: 3 stopped, 1 training, 1 exited" launched nothing.
  const fleet = [
    w(0, { status: 'stopped' }),
    w(1, { status: 'stopped' }),
    w(2, { status: 'stopped' }),
    w(3, { status: 'running' }, training(40)),
    w(4, { status: 'exited' }),
  ];
  const r = decide(initialState(T0), obs(T0, fleet), defaultRules(5));
  assert.deepEqual(
    r.actions.filter((a) => a.type === 'launch').map((a) => a.type === 'launch' && a.count),
    [4],
  );
  // Two finished workers are not alive, however long they keep billing.
  const done: Health = { state: 'finished', step: 1000 };
  const f = decide(
    initialState(T0),
    obs(T0, [w(0, { status: 'running' }, done), w(1, { status: 'running' }, done)]),
    defaultRules(2),
  );
  assert.deepEqual(
    f.actions.filter((a) => a.type === 'launch').map((a) => a.type === 'launch' && a.count),
    [2],
  );
  const crashed = decide(
    initialState(T0),
    obs(T0, [w(0, { status: 'running' }, { state: 'crashed', detail: 'oom' })]),
    defaultRules(1),
  );
  assert.deepEqual(
    crashed.actions.map((a) => a.type),
    ['launch'],
  );
  // Booting within its grace counts; a running worker whose log could not be read is not guessed dead.
  const booting = decide(
    initialState(T0),
    obs(T0, [w(0, { status: 'loading', startedAt: T0 - MIN }), w(1, { status: 'running' })]),
    defaultRules(2),
  );
  assert.deepEqual(booting.actions, []);
});

test('a worker over --max-dph is replaced at once, even while it boots', () => {
  const r = decide(
    initialState(T0),
    obs(T0, [w(0, { status: 'loading', dphTotal: 2.5, startedAt: T0 - MIN })]),
    defaultRules(1, { maxDph: 1 }),
  );
  assert.equal(r.actions[0]!.type === 'replace' && r.actions[0]!.trigger, 'over-price');
  assert.equal(r.actions[1]!.type, 'launch');
});

test('boot ages come from the API clock (offset) or first sight, never local-vs-remote', () => {
  const HOUR = 60 * MIN;
  const rules = defaultRules(1);
  // The API started the worker a minute ago by its clock; the local clock is an hour ahead (offset = API - local = -1
  // h).
  const fresh = w(0, { status: 'loading', startedAt: T0 - MIN });
  const ahead = decide(initialState(T0 + HOUR), { ...obs(T0 + HOUR, [fresh]), clockOffsetMs: -HOUR }, rules);
  assert.deepEqual(ahead.actions, [], 'a fresh worker is not stuck-boot');
  // Offset unknown: the age counts from when vastdeck first saw it.
  let r = decide(initialState(T0 + HOUR), { ...obs(T0 + HOUR, [fresh]), clockOffsetMs: null }, rules);
  assert.deepEqual(r.actions, []);
  r = decide(r.state, { ...obs(T0 + HOUR + 11 * MIN, [fresh]), clockOffsetMs: null }, rules);
  assert.deepEqual(
    r.actions.map((a) => a.type === 'replace' && a.trigger),
    ['stuck-boot', false],
  );
  // Local clock an hour behind: a worker booting for 12 minutes by the API's clock is stuck.
  const old = w(0, { status: 'loading', startedAt: T0 - 12 * MIN });
  const behind = decide(initialState(T0 - HOUR), { ...obs(T0 - HOUR, [old]), clockOffsetMs: HOUR }, rules);
  assert.deepEqual(
    behind.actions.map((a) => a.type === 'replace' && a.trigger),
    ['stuck-boot', false],
  );
});
