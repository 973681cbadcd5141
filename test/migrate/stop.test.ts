// A migration can always be stopped and never waits without an end: every wait reports a countdown, a stop signal
// pauses it at once (journaled, so --resume continues it), and a source host that stopped answering (ECONNREFUSED)
// asks what to do: wait on, resume from the store's newest checkpoint, or give up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryJournal } from '../../src/core/journal/journal.js';
import { parseProfiles } from '../../src/core/profiles/load.js';
import { migrationSpec } from '../../src/core/ops/migrate-setup.js';
import {
  interruptedMigrations,
  migrationsFromJournal,
  runMigration,
  type MigrateDeps,
  type MigrateEvent,
  type SourceUnreachable,
  type UnreachableChoice,
} from '../../src/core/ops/migrate.js';
import type { CheckpointStoreReader } from '../../src/core/checkpoints/types.js';
import type { VastApi } from '../../src/core/vast/api.js';
import { makeInstance } from '../ui/fake-api.js';
import { waitFor } from '../helpers/wait.js';
import { offer } from '../checks/offer-fixture.js';

const profiles = parseProfiles(
  'profiles:\n  p:\n    model: gpt2\n    image: pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel\n    diskGb: ' +
    '40\n    resume: "echo {checkpoint}"\n    checkpoint: { kind: hf, repo: me/run }\n',
  'p.yaml',
);
const source = makeInstance(0, { id: 5001, status: 'running', sshHost: '127.0.0.1', sshPort: 1 });
const store: CheckpointStoreReader = {
  where: 'hf:me/run@main',
  list: async () => [
    { step: 200, files: null },
    { step: 300, files: null },
  ],
  readGlobalStep: async () => null,
};
const refused = () =>
  Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }));

function setup(choose?: (q: SourceUnreachable) => Promise<UnreachableChoice>) {
  const journal = new MemoryJournal();
  const events: MigrateEvent[] = [];
  const deps: MigrateDeps = {
    api: { listInstances: async () => [source] } as unknown as VastApi,
    journal,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: Date.now,
    exec: refused,
    store,
    candidates: async () => [],
    ...(choose ? { choose } : {}),
  };
  const spec = migrationSpec(5001, 'p', 'p.yaml', profiles.p!);
  return { journal, events, deps, spec, onEvent: (e: MigrateEvent) => events.push(e) };
}

test('a stop during the upload wait pauses at once, journaled; the wait had a countdown; --resume finds it paused', async () => {
  const { journal, events, deps, spec, onEvent } = setup();
  const stop = new AbortController();
  const t0 = Date.now();
  // Each poll sleeps 60 s and the upload wait is 10 min: only the stop can end this quickly.
  const run = runMigration(deps, {
    spec,
    profile: profiles.p!,
    timing: { pollMs: 60_000, uploadWaitMs: 600_000 },
    onEvent,
    signal: stop.signal,
  });
  await waitFor(() => events.some((e) => e.type === 'wait'), { what: 'the upload wait to start', intervalMs: 5 });
  const wait = events.find((e) => e.type === 'wait')!;
  assert.ok(
    wait.type === 'wait' &&
      wait.what === 'the checkpoint upload' &&
      wait.totalMs === 600_000 &&
      wait.leftMs > 590_000 &&
      wait.leftMs <= 600_000,
    JSON.stringify(wait),
  );
  assert.ok(
    events.some((e) => e.type === 'info' && /ECONNREFUSED/.test(e.message)),
    'the reason shows',
  );
  assert.ok(
    events.some(
      (e) => e.type === 'info' && /stopped answering.*checkpoint-300.*--allow-behind.*migrate --abort/.test(e.message),
    ),
    'with nobody to ask, the choices are said at once',
  );
  stop.abort('stopped with x');
  const r = await run;
  assert.ok(Date.now() - t0 < 2000, `stopped at once (${Date.now() - t0} ms)`);
  assert.equal(r.outcome, 'paused');
  assert.match(r.message, /paused during step 1 .*stopped with x/);
  const pause = journal.records.find((x) => x.op === 'migrate.pause');
  assert.ok(
    pause && pause.phase === 'after' && pause.details.reason === 'stopped with x',
    JSON.stringify(journal.records.at(-1)),
  );
  const [m] = interruptedMigrations(journal.records);
  assert.equal(m?.spec.id, spec.id, 'still resumable');
  assert.match(m!.lastError!, /paused during step 1: stopped with x/);
});

test('an unreachable source asks once; "behind" resumes from the newest checkpoint in the store', async () => {
  const asked: SourceUnreachable[] = [];
  const { deps, spec, onEvent } = setup(async (q) => (asked.push(q), 'behind'));
  const r = await runMigration(deps, {
    spec,
    profile: profiles.p!,
    timing: { pollMs: 10, uploadWaitMs: 600_000 },
    onEvent,
  });
  assert.equal(asked.length, 1);
  assert.equal(asked[0]!.storeStep, 300);
  assert.match(asked[0]!.message, /ECONNREFUSED/);
  assert.equal(r.state.verifiedStep, 300);
  assert.deepEqual(r.state.done, ['verify-source']);
  assert.equal(r.failedStep, 'provision', 'went on to rent the target (no offers in this test)');
});

test('an unreachable source: "abort" gives the migration up (finished in the journal), "wait" waits to the deadline and names the choices', async () => {
  const a = setup(async () => 'abort');
  const r = await runMigration(a.deps, {
    spec: a.spec,
    profile: profiles.p!,
    timing: { pollMs: 10, uploadWaitMs: 600_000 },
    onEvent: a.onEvent,
  });
  assert.equal(r.outcome, 'aborted');
  assert.deepEqual(
    migrationsFromJournal(a.journal.records).map((m) => [m.finished, m.aborted]),
    [[true, true]],
  );

  let n = 0;
  const w = setup(async () => (n++, 'wait'));
  const t0 = Date.now();
  const r2 = await runMigration(w.deps, {
    spec: w.spec,
    profile: profiles.p!,
    timing: { pollMs: 20, uploadWaitMs: 300 },
    onEvent: w.onEvent,
  });
  assert.ok(Date.now() - t0 < 2000);
  assert.equal(n, 1, 'asked once');
  assert.equal(r2.outcome, 'failed');
  assert.match(r2.message, /ECONNREFUSED.*checkpoint-300.*--allow-behind.*migrate --abort/);
  assert.ok(w.events.filter((e) => e.type === 'wait').length >= 3, 'a countdown while waiting');
});

test('with --allow-behind an unreachable source resumes from the store without asking', async () => {
  const { deps, spec, onEvent } = setup(async () => assert.fail('not asked'));
  const r = await runMigration(deps, {
    spec: { ...spec, allowBehind: true },
    profile: profiles.p!,
    timing: { pollMs: 10 },
    onEvent,
  });
  assert.equal(r.state.verifiedStep, 300);
});

test('a stop during the provision step rents nothing afterwards: no create is journaled or sent after the pause', async () => {
  const { journal, deps, spec, onEvent } = setup();
  const stop = new AbortController();
  let creates = 0;
  let giveOffers!: () => void;
  const offersAsked = new Promise<void>((r) => (giveOffers = r));
  let asked = false;
  deps.api = {
    listInstances: async () => [source],
    createInstance: async () => (creates++, { instanceId: 9001 }),
  } as unknown as VastApi;
  // The offers come only after the stop: the step's work is still running when the migration pauses.
  deps.candidates = async () => ((asked = true), await offersAsked, [offer({ id: 7, dphTotal: 0.3 })]);
  const run = runMigration(deps, {
    spec: { ...spec, allowBehind: true },
    profile: profiles.p!,
    timing: { pollMs: 10 },
    onEvent,
    signal: stop.signal,
  });
  await waitFor(() => asked, { what: 'the provision step to ask for offers', intervalMs: 5 });
  stop.abort('stopped with x');
  const r = await run;
  assert.equal(r.outcome, 'paused');
  giveOffers();
  await new Promise((res) => setTimeout(res, 50));
  assert.equal(creates, 0, 'no rental sent after the stop');
  assert.equal(journal.records.at(-1)?.op, 'migrate.pause', 'the pause is journaled last');
});
