/**
 * The TUI's provision runs the post-boot host check: a host that is not what was paid for is destroyed and blacklisted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mountOffers } from './offers-harness.js';
import { profileApplied, untilFrame } from './frame-wait.js';
import type { BlacklistEntry } from '../../src/core/offers/blacklist.js';
import type { PostBootReport } from '../../src/core/ops/postboot.js';

const KEY = { enter: '\r' };

test('provision in the TUI: a lying host is destroyed, its machine blacklisted, the status line says so', async () => {
  const saved: BlacklistEntry[] = [];
  const checked: number[] = [];
  const report: PostBootReport = {
    ok: false,
    notes: [],
    facts: null,
    cuda: { state: 'ok', gpus: 1 },
    mismatches: [{ what: 'gpu_model', message: 'GPU 0 is NVIDIA GeForce RTX 3080, the offer said RTX 4090' }],
  };
  const m = await mountOffers({
    columns: 160,
    rows: 45,
    deps: { hostCheck: async (inst) => (checked.push(inst.id), report), blacklist: async (e) => void saved.push(e) },
  });
  const destroyed: number[] = [];
  m.api.createInstance = (async () => ({ instanceId: 4343 })) as never;
  m.api.showInstance = async () => ({
    ...(await m.api.listInstances())[0]!,
    id: 4343,
    status: 'running',
    dphTotal: 0.01,
  });
  m.api.destroyInstance = (async (id: number) => void destroyed.push(id)) as never;
  await m.press('o', ':');
  await m.type('profile gpt2-4090');
  await m.press(KEY.enter);
  await profileApplied(m);
  await m.press('x', 'P');
  assert.match(m.frame(), /Rent offer \d+/);
  await m.press('y');
  await untilFrame(m, /blacklisted; pick another offer/, 'the host check verdict');
  assert.match(m.frame(), /the host was not what was paid for: destroyed, machine \d+ blacklisted; pick another offer/);
  assert.deepEqual(checked, [4343]);
  assert.deepEqual(destroyed, [4343]);
  assert.equal(saved.length, 1);
  assert.match(saved[0]!.reason, /RTX 3080, the offer said RTX 4090/);
  const ops = m.journal.records.map((r: { op: string; phase: string }) => `${r.op}:${r.phase}`);
  assert.ok(ops.includes('provision.host-check:after') && ops.includes('provision.destroy:after'), ops.join(','));
  m.unmount();
});

test('provision in the TUI with a validate: block: the status line shows the validation verdict', async () => {
  const { readFileSync } = await import('node:fs');
  const { parseProfiles } = await import('../../src/core/profiles/load.js');
  const { DEMO_PROFILES } = await import('./offers-harness.js');
  const text = readFileSync(DEMO_PROFILES, 'utf8').replace(
    '    targetStep: 60000\n',
    '    targetStep: 60000\n    validate: { within: 10m, minSteps: 50, loss: decreasing }\n',
  );
  let t = 1_000_000;
  const m = await mountOffers({
    columns: 160,
    rows: 45,
    deps: {
      loadProfiles: async () => ({ file: DEMO_PROFILES, profiles: parseProfiles(text, DEMO_PROFILES) }),
      now: () => t,
      sleep: async (ms) => void (t += ms),
    },
  });
  m.api.createInstance = (async () => ({ instanceId: 4444 })) as never;
  m.api.showInstance = async () => ({
    ...(await m.api.listInstances())[0]!,
    id: 4444,
    status: 'running',
    dphTotal: 0.01,
    startedAt: t,
  });
  // A run whose loss rises: flagged before hours are spent on it.
  m.api.getLogs = async () =>
    [1, 10, 20, 30, 40, 50, 60]
      .map((s) => `{'loss': '${(2 + s / 100).toFixed(2)}', 'epoch': '0.0${s}'}\nstep=${s}`)
      .join('\n');
  await m.press('o', ':');
  await m.type('profile gpt2-4090');
  await m.press(KEY.enter);
  await profileApplied(m);
  await m.press('x', 'P', 'y');
  await untilFrame(m, /validation FAIL/, 'the validation verdict');
  assert.match(m.frame(), /instance 4444 validation FAIL: loss not decreasing: 2\.\d+ → 2\.\d+/);
  m.unmount();
});
