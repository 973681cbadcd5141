/** The M key: profile choice, confirmation, live progress of the eight steps; and the resume offer on start. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEY, settle } from './harness.js';
import { fakeOps, fakePlan, mountWithOps } from './destroy-ops-fake.js';
import { MIGRATE_STEPS, emptyState, type MigrateEvent, type JournaledMigration } from '../../src/core/ops/migrate.js';

test('wizard: pick a profile, confirm, watch steps go by; a failure says how to resume', async () => {
  let emit!: (e: MigrateEvent) => void;
  let finish!: (ok: boolean) => void;
  const { ops, calls } = fakeOps((i) => fakePlan(i, 1, 1), {
    migrate: (inst, profile, onEvent) => {
      calls.migrate.push({ id: inst.id, profile });
      emit = onEvent;
      return new Promise((resolve) => {
        finish = (ok) => resolve({ outcome: ok ? 'done' : 'failed', spec: {} as never, state: emptyState(), failedStep: ok ? undefined : 'boot', message: ok ? 'migrated 1001 → 9' : 'step 3 (wait for boot and onstart) failed: stuck' });
      });
    },
  });
  const { calls: c } = { calls };
  const app = await mountWithOps(ops);
  await app.press('M');
  await settle();
  let f = app.frame();
  assert.match(f, /Migrate 1001 .*choose the profile/);
  assert.match(f, /> gpt2-a/);
  await app.press('j');
  assert.match(app.frame(), /> gpt2-b/);
  await app.press(KEY.enter);
  assert.match(app.frame(), /with profile gpt2-b\?/);
  assert.equal(c.migrate.length, 0, 'nothing before y');
  await app.press('y');
  assert.deepEqual(c.migrate, [{ id: 1001, profile: 'gpt2-b' }]);
  emit({ type: 'step', step: 'verify-source', index: 1, phase: 'start' });
  emit({ type: 'step', step: 'verify-source', index: 1, phase: 'done', detail: 'checkpoint-1500 verified' });
  emit({ type: 'step', step: 'provision', index: 2, phase: 'done', detail: 'rented offer 77' });
  emit({ type: 'step', step: 'boot', index: 3, phase: 'start' });
  emit({ type: 'info', message: 'waiting for the checkpoint upload' });
  await settle();
  f = app.frame();
  assert.match(f, /✓ 1\. verify the checkpoint off the source host: checkpoint-1500 verified/);
  assert.match(f, /✓ 2\. rent the target: rented offer 77/);
  assert.match(f, /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] 3\. wait for boot and onstart/);
  assert.match(f, /· 8\. update the continuation file/);
  assert.match(f, /waiting for the checkpoint upload/);
  assert.equal(f.split('\n').filter((l) => /^\S \d\. /.test(l)).length, MIGRATE_STEPS.length);
  // Hidden while running, shown again with M; never a second migration.
  await app.press(KEY.escape);
  assert.doesNotMatch(app.frame(), /wait for boot/);
  await app.press('M');
  assert.match(app.frame(), /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] 3\. wait for boot and onstart/);
  emit({ type: 'failed', step: 'boot', index: 3, message: 'stuck' });
  finish(false);
  await settle();
  f = app.frame();
  assert.match(f, /✗ 3\. wait for boot and onstart: stuck/);
  assert.match(f, /M resumes it/);
  assert.equal(c.migrate.length, 1);
  app.unmount();
});

test('on start: an interrupted migration in the journal is offered for resume; y resumes it, n dismisses', async () => {
  const m: JournaledMigration = {
    spec: { id: 'abcd1234', sourceId: 1002, profileName: 'gpt2-a', profilesFile: '/p.yaml', offerId: null, runDir: '/workspace/run', logPath: '/workspace/train.log', continuation: null, allowBehind: false, sync: false, price: { kind: 'on-demand' } },
    state: { ...emptyState(), done: ['verify-source', 'provision'], verifiedStep: 1500, targetId: 2001 },
    finished: false, aborted: false, lastError: null, startedAt: 0,
  };
  let resumed: JournaledMigration | null = null;
  const { ops } = fakeOps((i) => fakePlan(i, 1, 1), {
    interrupted: async () => [m],
    resume: async (x, onEvent) => {
      resumed = x;
      onEvent({ type: 'step', step: 'verify-source', index: 1, phase: 'skipped' });
      return new Promise(() => {});
    },
  });
  const app = await mountWithOps(ops);
  await settle();
  assert.match(app.frame(), /Interrupted migration abcd1234: 1002 → 2001 \(profile gpt2-a\), 2 of 8 steps done/);
  await app.press('y');
  await settle();
  assert.equal(resumed, m);
  assert.match(app.frame(), /Resuming migration abcd1234/);
  assert.match(app.frame(), /✓ 1\. verify the checkpoint/);
  app.unmount();

  const second = await mountWithOps(fakeOps((i) => fakePlan(i, 1, 1), { interrupted: async () => [m] }).ops);
  await settle();
  await second.press('n');
  assert.doesNotMatch(second.frame(), /Interrupted migration/);
  second.unmount();
});

test('an interrupted migration offered on start: x gives it up (journal only) and says what was left', async () => {
  const m: JournaledMigration = {
    spec: { id: 'abcd1234', sourceId: 1002, profileName: 'gpt2-a', profilesFile: '/p.yaml', offerId: null, runDir: '/workspace/run', logPath: '/workspace/train.log', continuation: null, allowBehind: false, sync: false, price: { kind: 'on-demand' } },
    state: { ...emptyState(), done: ['verify-source', 'provision'], verifiedStep: 1500, targetId: 2001 },
    finished: false, aborted: false, lastError: null, startedAt: 0,
  };
  const { ops, calls } = fakeOps((i) => fakePlan(i, 1, 1), { interrupted: async () => [m] });
  const app = await mountWithOps(ops);
  await settle();
  assert.match(app.frame(), /x gives it up \(the journal only; nothing on Vast changes\)/);
  await app.press('x');
  await settle();
  assert.deepEqual(calls.abort, ['abcd1234']);
  assert.doesNotMatch(app.frame(), /Interrupted migration/);
  assert.match(app.frame(), /aborted migration abcd1234/);
  app.unmount();
});
