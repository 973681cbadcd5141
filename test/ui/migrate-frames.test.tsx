/** The M key: profile choice, confirmation, live progress of the eight steps; and the resume offer on start. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEY, settle } from './harness.js';
import { fakeOps, fakePlan, mountWithOps } from './destroy-ops-fake.js';
import {
  MIGRATE_STEPS,
  emptyState,
  type MigrateEvent,
  type MigrateResult,
  type JournaledMigration,
} from '../../src/core/ops/migrate.js';
import type { RunControl } from '../../src/ui/migrate/ops.js';

test('wizard: pick a profile, confirm, watch steps go by; a failure says how to resume', async () => {
  let emit!: (e: MigrateEvent) => void;
  let finish!: (ok: boolean) => void;
  const { ops, calls } = fakeOps((i) => fakePlan(i, 1, 1), {
    migrate: (plan, onEvent) => {
      calls.migrate.push({ id: plan.spec.sourceId, profile: plan.spec.profileName });
      emit = onEvent;
      return new Promise((resolve) => {
        finish = (ok) =>
          resolve({
            outcome: ok ? 'done' : 'failed',
            spec: {} as never,
            state: emptyState(),
            failedStep: ok ? undefined : 'boot',
            message: ok ? 'migrated 1001 → 9' : 'step 3 (wait for boot and onstart) failed: stuck',
          });
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
  await settle();
  assert.match(app.frame(), /with profile gpt2-b\?/);
  // What it will rent, before anything is rented: GPU, count, $/hr, location, label.
  assert.match(app.frame(), /Rents 1× RTX 4090 at \$0\.412\/hr in Texas, US \(offer 3\), labelled gpt2-b-1x4090/);
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
  assert.match(f, /M on its row resumes it/);
  assert.equal(c.migrate.length, 1);
  app.unmount();
});

test('on start: an interrupted migration in the journal is offered for resume; y resumes it, n dismisses', async () => {
  const m: JournaledMigration = {
    spec: {
      id: 'abcd1234',
      sourceId: 1002,
      profileName: 'gpt2-a',
      profilesFile: '/p.yaml',
      offerId: null,
      runDir: '/workspace/run',
      logPath: '/workspace/train.log',
      continuation: null,
      allowBehind: false,
      sync: false,
      price: { kind: 'on-demand' },
    },
    state: { ...emptyState(), done: ['verify-source', 'provision'], verifiedStep: 1500, targetId: 2001 },
    finished: false,
    aborted: false,
    lastError: null,
    startedAt: 0,
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
    spec: {
      id: 'abcd1234',
      sourceId: 1002,
      profileName: 'gpt2-a',
      profilesFile: '/p.yaml',
      offerId: null,
      runDir: '/workspace/run',
      logPath: '/workspace/train.log',
      continuation: null,
      allowBehind: false,
      sync: false,
      price: { kind: 'on-demand' },
    },
    state: { ...emptyState(), done: ['verify-source', 'provision'], verifiedStep: 1500, targetId: 2001 },
    finished: false,
    aborted: false,
    lastError: null,
    startedAt: 0,
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

/** Ops whose migrate waits for the test: the events it sends, the control it got, and a way to end it. */
function heldMigration() {
  const held = {
    emit: null as ((e: MigrateEvent) => void) | null,
    ctl: null as RunControl | null,
    end: null as ((r: MigrateResult) => void) | null,
  };
  const { ops, calls } = fakeOps((i) => fakePlan(i, 1, 1), {
    migrate: (plan, onEvent, ctl) => {
      held.emit = onEvent;
      held.ctl = ctl;
      return new Promise<MigrateResult>((resolve) => {
        held.end = resolve;
        // As runMigration does: a stop ends it at once with a pause.
        ctl.signal.addEventListener('abort', () =>
          resolve({
            outcome: 'paused',
            spec: plan.spec,
            state: emptyState(),
            failedStep: 'verify-source',
            message: `paused during step 1 (verify the checkpoint off the source host): ${String(ctl.signal.reason)}`,
          }),
        );
      });
    },
  });
  return { ops, calls, held };
}

async function startMigration(app: Awaited<ReturnType<typeof mountWithOps>>) {
  await app.press('M');
  await settle();
  await app.press(KEY.enter);
  await settle();
  await app.press('y');
  await settle();
}

test('a running migration: the wait counts down; x stops it at once (a pause M resumes); M on another row does not reopen it', async () => {
  const { ops, held } = heldMigration();
  const app = await mountWithOps(ops);
  await startMigration(app);
  held.emit!({ type: 'step', step: 'verify-source', index: 1, phase: 'start' });
  held.emit!({
    type: 'info',
    message:
      'waiting for the checkpoint upload: instance 1001 is running but its host is unreachable (connect ' +
      'ECONNREFUSED 127.0.0.1:20004)',
  });
  held.emit!({ type: 'wait', what: 'the checkpoint upload', leftMs: 581_000, totalMs: 600_000 });
  await settle();
  assert.match(app.frame(), /waiting for the checkpoint upload: 9:41 left of 10:00/);
  assert.match(app.frame(), /x stops it now/);
  held.emit!({ type: 'wait', what: 'the checkpoint upload', leftMs: 41_000, totalMs: 600_000 });
  await settle();
  assert.match(app.frame(), /41 s left of 10:00/);

  // Hidden, then M on another row: says where it is instead of reopening it.
  await app.press(KEY.escape);
  await app.press('j');
  await app.press('M');
  await settle();
  assert.doesNotMatch(app.frame(), /Migrating 1001/);
  assert.match(app.frame(), /migration mig00001 of 1001 is running: M on its row shows it/);
  await app.press('k');
  await app.press('M');
  await settle();
  assert.match(app.frame(), /Migrating 1001/);

  await app.press('x');
  await settle();
  assert.equal(held.ctl!.signal.aborted, true);
  assert.match(app.frame(), /paused during step 1 .*stopped with x/);
  assert.match(app.frame(), /M on its row resumes it/);
  app.unmount();
});

test('a source that stopped answering: the wizard asks; r resumes from the newest checkpoint in the store', async () => {
  const { ops, held } = heldMigration();
  const app = await mountWithOps(ops);
  await startMigration(app);
  await app.press(KEY.escape);
  const answer = held.ctl!.choose({
    sourceId: 1001,
    message: 'connect ECONNREFUSED 127.0.0.1:20004',
    storeStep: 1400,
    where: 'hf:me/run@main',
  });
  await settle();
  const f = app.frame();
  assert.match(f, /Source 1001 stopped answering: connect ECONNREFUSED/, 'shown again even though hidden');
  assert.match(f, /w wait on {3}x give up {3}r resume from checkpoint-1400 \(newest in hf:me\/run@main\)/);
  await app.press('r');
  assert.equal(await answer, 'behind');
  await settle();
  assert.doesNotMatch(app.frame(), /stopped answering/);
  app.unmount();
});

test(':migrate --abort stops a running migration and gives it up; q while it runs asks first', async () => {
  const { ops, calls, held } = heldMigration();
  const app = await mountWithOps(ops);
  await startMigration(app);
  await app.press(KEY.escape);
  await app.press('q');
  assert.match(app.frame(), /a migration is running: quit anyway\? .*\[y\/n\]/);
  await app.press('n');
  assert.doesNotMatch(app.frame(), /quit anyway/);
  assert.equal(held.ctl!.signal.aborted, false);
  await app.press(':');
  await app.type('migrate --abort');
  await app.press(KEY.enter);
  await settle();
  assert.equal(held.ctl!.signal.aborted, true);
  assert.deepEqual(calls.abort, ['mig00001'], 'given up in the journal');
  assert.match(app.frame(), /aborted migration mig00001/);
  app.unmount();
});
