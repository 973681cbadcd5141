/** The lifecycle policy on scripted timelines (a fake clock): every rule, each instance acted on once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decide,
  initialLifecycleState,
  raisedBid,
  type LifecycleState,
  type LifecycleSubject,
} from '../../src/core/lifecycle/policy.js';
import {
  KEEP_ALL,
  lifecycleSchema,
  rulesFromProfile,
  rulesFromRecord,
  type LifecycleRules,
} from '../../src/core/lifecycle/rules.js';
import { parseProfiles } from '../../src/core/profiles/load.js';
import type { HealthState } from '../../src/core/fleet/health.js';
import type { Instance } from '../../src/core/vast/types.js';
import { makeInstance } from '../ui/fake-api.js';

const MIN = 60_000;
const T0 = 1_800_000_000_000;

function inst(over: Partial<Instance> = {}): Instance {
  return makeInstance(0, {
    id: 7,
    label: 'run-a',
    status: 'running',
    startedAt: T0,
    gpuUtilPct: 97,
    isBid: false,
    ...over,
  });
}

function rules(over: Partial<LifecycleRules> = {}): LifecycleRules {
  return { ...KEEP_ALL, ...over };
}

/** Runs passes at the given minutes; returns every action with the minute it came. */
function timeline(steps: Array<{ at: number; inst: Instance; health?: HealthState | null; rules: LifecycleRules }>) {
  let state: LifecycleState = initialLifecycleState();
  const out: Array<{ at: number; type: string; trigger: string; reason: string }> = [];
  for (const s of steps) {
    const subject: LifecycleSubject = { inst: s.inst, rules: s.rules, health: s.health ?? null };
    const r = decide(state, [subject], T0 + s.at * MIN);
    state = r.state;
    for (const a of r.actions) out.push({ at: s.at, type: a.type, trigger: a.trigger, reason: a.reason });
  }
  return out;
}

test('a finished run is stopped or destroyed as its rule says, once; keep does nothing', () => {
  for (const onFinish of ['stop', 'destroy'] as const) {
    const r = rules({ onFinish });
    const out = timeline([
      { at: 1, inst: inst(), health: 'training', rules: r },
      { at: 2, inst: inst(), health: 'finished', rules: r },
      { at: 3, inst: inst(), health: 'finished', rules: r },
    ]);
    assert.deepEqual(
      out.map((o) => [o.at, o.type, o.trigger]),
      [[2, onFinish, 'finished']],
    );
  }
  assert.deepEqual(timeline([{ at: 2, inst: inst(), health: 'finished', rules: rules() }]), []);
});

test('maxRuntime stops a run past it, measured from its start', () => {
  const r = rules({ maxRuntimeMs: 12 * 60 * MIN });
  const out = timeline([
    { at: 11 * 60, inst: inst(), health: 'training', rules: r },
    { at: 12 * 60 - 1, inst: inst(), health: 'training', rules: r },
    { at: 12 * 60, inst: inst(), health: 'training', rules: r },
  ]);
  assert.deepEqual(
    out.map((o) => [o.at, o.type, o.trigger]),
    [[720, 'stop', 'max-runtime']],
  );
  assert.match(out[0]!.reason, /running 720 min, past maxRuntime 720 min/);
});

test('idle: GPU under the threshold for the whole window; a busy moment restarts the window', () => {
  const r = rules({ idle: { gpuUtilBelow: 5, forMs: 20 * MIN, then: 'stop' } });
  const idle = inst({ gpuUtilPct: 1 });
  const out = timeline([
    { at: 0, inst: idle, rules: r },
    { at: 15, inst: idle, rules: r },
    { at: 16, inst: inst({ gpuUtilPct: 80 }), rules: r },
    { at: 20, inst: idle, rules: r },
    { at: 39, inst: idle, rules: r },
    { at: 40, inst: idle, rules: r },
  ]);
  assert.deepEqual(
    out.map((o) => [o.at, o.type, o.trigger]),
    [[40, 'stop', 'idle']],
  );
  assert.match(out[0]!.reason, /GPU under 5% for 20 min/);
  // Unknown utilisation is not idleness.
  assert.deepEqual(
    timeline([
      { at: 0, inst: inst({ gpuUtilPct: null }), rules: r },
      { at: 60, inst: inst({ gpuUtilPct: null }), rules: r },
    ]),
    [],
  );
});

test('a crashed run is left for a human (reported once) unless onCrash says otherwise', () => {
  const out = timeline([
    { at: 1, inst: inst(), health: 'crashed', rules: rules({ onFinish: 'destroy' }) },
    { at: 2, inst: inst(), health: 'crashed', rules: rules({ onFinish: 'destroy' }) },
  ]);
  assert.deepEqual(
    out.map((o) => [o.type, o.trigger]),
    [['leave', 'crashed']],
  );
  assert.match(out[0]!.reason, /left for a human/);
  const exited = timeline([{ at: 1, inst: inst({ status: 'exited' }), rules: rules({ onCrash: 'stop' }) }]);
  assert.deepEqual(
    exited.map((o) => [o.type, o.trigger]),
    [['stop', 'crashed']],
  );
});

test('outbid: raise the bid (capped by maxBid), again after it ran and was outbid again; keep only reports nothing', () => {
  const outbid = inst({
    status: 'stopped',
    intendedStatus: 'running',
    isBid: true,
    dphTotal: 0.228,
    storageDph: 0.028,
    minBid: 0.25,
  });
  const r = rules({ onOutbid: 'raise-bid', maxBid: 0.5 });
  const out = timeline([
    { at: 1, inst: outbid, rules: r },
    { at: 2, inst: outbid, rules: r },
    { at: 3, inst: inst({ isBid: true }), rules: r },
    { at: 4, inst: outbid, rules: r },
  ]);
  assert.deepEqual(
    out.map((o) => [o.at, o.type]),
    [
      [1, 'raise-bid'],
      [4, 'raise-bid'],
    ],
  );
  assert.equal(raisedBid(outbid, 0.5).bid, 0.3);
  const capped = timeline([{ at: 1, inst: outbid, rules: rules({ onOutbid: 'raise-bid', maxBid: 0.2 }) }]);
  assert.deepEqual(
    capped.map((o) => o.type),
    ['leave'],
  );
  assert.match(capped[0]!.reason, /minimum bid \$0\.250\/hr is above maxBid \$0\.200\/hr/);
  assert.deepEqual(timeline([{ at: 1, inst: outbid, rules: rules() }]), []);
  // Stopped by its owner: not an outbid.
  assert.deepEqual(
    timeline([{ at: 1, inst: { ...outbid, intendedStatus: 'stopped', statusMsg: 'stopped by user' }, rules: r }]),
    [],
  );
});

test('profile lifecycle block: defaults, durations, unknown keys refused; journaled rules read back', () => {
  assert.deepEqual(rulesFromProfile(undefined), KEEP_ALL);
  const r = rulesFromProfile(lifecycleSchema.parse({ onFinish: 'destroy', maxRuntime: '12h', idle: { for: '20m' } }));
  assert.deepEqual(r, {
    onFinish: 'destroy',
    onCrash: 'keep',
    maxRuntimeMs: 12 * 60 * MIN,
    idle: { gpuUtilBelow: 5, forMs: 20 * MIN, then: 'stop' },
    onOutbid: 'keep',
    maxBid: null,
  });
  assert.deepEqual(rulesFromRecord(JSON.parse(JSON.stringify(r))), r);
  assert.equal(rulesFromRecord({ onFinish: 'explode' }), null);
  const yaml = (extra: string) =>
    `profiles:\n  p:\n    model: m\n    image: pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime\n    diskGb: ` +
    `40\n    lifecycle: ${extra}\n`;
  assert.equal(parseProfiles(yaml('{ onFinish: stop }'), 'p.yaml').p!.lifecycle!.onFinish, 'stop');
  assert.throws(() => parseProfiles(yaml('{ onFinsh: stop }'), 'p.yaml'), /onFinsh/);
  assert.throws(() => parseProfiles(yaml('{ maxRuntime: soon }'), 'p.yaml'), /duration/);
});
