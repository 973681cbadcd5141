/**
 * THE crash-proof migration test: the migrate CLI SIGKILLs itself right after journaling step K's after record
 * (the fault hook test/helpers/cli-hooks.ts installs with --kill-after-step K), for every K in 1..8; `migrate --resume`
 * then finishes the job. On the simulator (in this process, so it survives the kill) the end state must be: exactly one
 * target, labelled with the migration id and advancing from the checkpoint step; the source destroyed, and only after
 * the target was seen advancing; the journal complete; the continuation file pointing at the target.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { readJournal } from '../../src/core/journal/journal.js';
import { MIGRATE_STEPS, migrationsFromJournal } from '../../src/core/ops/migrate.js';
import { nonceOf } from '../../src/core/ops/provision-create.js';
import { readContinuation } from '../../src/core/ops/continuation.js';
import type { SimHandle } from '../../src/sim/index.js';
import type { VastClient } from '../../src/core/vast/client.js';
import { bundleCli, crashHome, crashSim, runMigrate } from './crash-helpers.js';
import { waitFor } from '../helpers/wait.js';

let sim: SimHandle;
let client: VastClient;
let bundle: string;
let home: ReturnType<typeof crashHome>;

async function oneCase(k: number): Promise<void> {
  const stateHome = path.join(home.home, `case-${k}`);
  const source = (await client.listInstances()).find((i) => i.label === `src-${k}`)!;
  const journalFile = path.join(stateHome, 'state', 'vastdeck', 'journal.jsonl');

  const killed = await runMigrate(
    bundle,
    sim,
    stateHome,
    [String(source.id), '--profile', `run-${k}`, '--profiles', home.profiles],
    { killAfterStep: k },
  );
  assert.equal(
    killed.signal,
    'SIGKILL',
    `case ${k}: the CLI should have killed itself after step ${k}; stderr:\n${killed.err}`,
  );
  const mid = migrationsFromJournal((await readJournal(journalFile)).records);
  assert.equal(mid.length, 1);
  const id = mid[0]!.spec.id;
  assert.deepEqual(mid[0]!.state.done, MIGRATE_STEPS.slice(0, k), `case ${k}: journal after the kill`);
  assert.equal(mid[0]!.finished, false);
  const listed = await client.listInstances();
  // Killed before step 7: the source must still be there, whatever happened to the target.
  assert.equal(
    listed.some((i) => i.id === source.id),
    k < 7,
    `case ${k}: source present after the kill`,
  );
  assert.ok(listed.filter((i) => nonceOf(i) === id).length <= 1, `case ${k}: at most one target after the kill`);

  const resumed = await runMigrate(bundle, sim, stateHome, ['--resume']);
  assert.equal(resumed.code, 0, `case ${k}: resume failed:\n${resumed.err}\n${resumed.out}`);

  const end = await client.listInstances();
  const targets = end.filter((i) => nonceOf(i) === id);
  assert.equal(targets.length, 1, `case ${k}: exactly one target`);
  const target = targets[0]!;
  assert.equal(target.status, 'running');
  assert.ok(!end.some((i) => i.id === source.id), `case ${k}: source destroyed`);

  const { records } = await readJournal(journalFile);
  const [m] = migrationsFromJournal(records);
  assert.equal(m!.finished, true);
  assert.deepEqual(m!.state.done, [...MIGRATE_STEPS], `case ${k}: every step journaled done`);
  for (const step of MIGRATE_STEPS) {
    const phases = records.filter((r) => r.op === `migrate.${step}`).map((r) => r.phase);
    assert.ok(phases.includes('before') && phases.includes('after'), `case ${k}: ${step} journaled before and after`);
  }
  const verified = m!.state.verifiedStep!;
  assert.ok(verified >= 100 && verified % 100 === 0, `case ${k}: resumed from a saved checkpoint (${verified})`);

  // The source was destroyed only after the target was seen advancing: in the journal, and exactly once.
  const advancedAt = records.findIndex((r) => r.op === 'migrate.advancing' && r.phase === 'after');
  const destroys = records
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.op === 'destroy' && r.phase === 'before' && r.ids.instanceId === source.id);
  assert.equal(destroys.length, 1, `case ${k}: one destroy of the source`);
  assert.ok(destroys[0]!.i > advancedAt, `case ${k}: destroy after advancing`);
  // …and only after the checkpoint was verified off the source BY CONTENT (hashes on the host = the Hub's ids).
  const verifiedAt = records.findIndex((r) => r.op === 'migrate.verify-source' && r.phase === 'after');
  assert.ok(verifiedAt >= 0 && verifiedAt < destroys[0]!.i, `case ${k}: content-verified before the destroy`);
  assert.match(
    String(records[verifiedAt]!.details.detail),
    new RegExp(`checkpoint-${m!.state.verifiedStep} is verified by content in hf:me/run-${k}@main`),
  );
  assert.equal(
    records.filter((r) => r.op === 'provision.create' && r.phase === 'before').length,
    1,
    `case ${k}: one create request`,
  );

  // The target's job really continues from the checkpoint and keeps going.
  const job = sim.hosts!.trainer(target.id)!;
  job.tick();
  const s1 = job.step;
  assert.ok(s1 >= verified, `case ${k}: target step ${s1} continues from ${verified}`);
  assert.ok(m!.state.firstStep! >= verified && m!.state.laterStep! > m!.state.firstStep!);
  await waitFor(() => (job.tick(), job.step > s1), { what: `case ${k}: the target advancing past step ${s1}` });

  const cont = readContinuation(readFileSync(home.continuation(k), 'utf8'))!;
  assert.equal(cont.instanceId, target.id);
  assert.equal(cont.migrationId, id);
  assert.equal(cont.previousInstanceId, source.id);
  assert.ok(cont.step >= verified);
}

/** Registers one test per kill point (split over two files to keep each under 20 s). */
export function defineCrashTests(cases: number[]): void {
  before(async () => {
    [bundle, { sim, client }] = await Promise.all([bundleCli(), crashSim(cases)]);
    home = crashHome(cases);
  });
  after(async () => {
    await sim.close();
    rmSync(home.home, { recursive: true, force: true });
    rmSync(bundle, { force: true });
  });
  for (const k of cases) {
    test(`SIGKILL after step ${k}, then --resume: one target advancing, source destroyed last, journal complete`, () =>
      oneCase(k));
  }
}
