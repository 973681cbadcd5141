/** monitor's keeper with the lifecycle rules in front of its listing: a finished worker follows its rule. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FleetKeeper, type KeeperEvent } from '../../src/core/keeper/keeper.js';
import { defaultRules } from '../../src/core/keeper/policy.js';
import { LifecycleEnforcer, memoHealth, withLifecycle } from '../../src/core/lifecycle/enforcer.js';
import { KEEP_ALL } from '../../src/core/lifecycle/rules.js';
import { MemoryJournal } from '../../src/core/journal/journal.js';
import type { Health } from '../../src/core/fleet/health.js';
import type { Instance } from '../../src/core/vast/types.js';
import { FakeVast } from '../ops/fake-api.js';
import { makeInstance } from '../ui/fake-api.js';

test('a finished worker is stopped by its rule before the keeper counts it, and the keeper sees it stopped', async () => {
  const api = new FakeVast([]);
  const t0 = 1_800_000_000_000;
  let t = t0;
  api.instances = [
    makeInstance(0, { id: 1, label: 'fl-a', status: 'running', startedAt: t0, isBid: false }),
    makeInstance(1, { id: 2, label: 'fl-b', status: 'running', startedAt: t0, isBid: false }),
  ];
  (api as { stopInstance: (id: number) => Promise<void> }).stopInstance = async (id: number) => {
    api.calls.push(`stop ${id}`);
    api.instances.find((i) => i.id === id)!.status = 'stopped';
  };
  let reads = 0;
  const health = memoHealth(
    async (inst: Instance): Promise<Health> => (
      reads++,
      inst.id === 1 ? { state: 'finished', step: 300 } : { state: 'training', step: Math.floor((t - t0) / 1000) }
    ),
    30_000,
    () => t,
  );
  const journal = new MemoryJournal([], () => t);
  const lifecycle = new LifecycleEnforcer(
    { api, journal, health, source: () => null, now: () => t, sleep: async () => {} },
    { rulesFor: (i) => ((i.label ?? '').startsWith('fl-') ? { ...KEEP_ALL, onFinish: 'stop' } : null) },
  );
  const events: KeeperEvent[] = [];
  const keeper = new FleetKeeper(
    {
      api: withLifecycle(api, lifecycle),
      health,
      journal,
      clock: { now: () => t, sleep: async (ms) => void (t += ms) },
      launch: async () => ({ ids: [], errors: [] }),
      retire: async () => ({ outcome: 'destroyed', message: '' }),
    },
    { prefix: 'fl-', rules: defaultRules(2), onEvent: (e) => events.push(e) },
  );
  await keeper.pass();
  assert.ok(api.calls.includes('stop 1'));
  const pass = events.find((e) => e.type === 'pass') as Extract<KeeperEvent, { type: 'pass' }>;
  assert.deepEqual(
    pass.workers.map((w) => [w.id, w.status]),
    [
      [1, 'stopped'],
      [2, 'running'],
    ],
  );
  assert.equal(reads, 2, 'keeper and rules share one log read per worker');
  assert.deepEqual(
    journal.records.filter((r) => r.op === 'lifecycle.stop').map((r) => [r.phase, r.details.trigger]),
    [
      ['before', 'finished'],
      ['after', 'finished'],
    ],
  );
});
