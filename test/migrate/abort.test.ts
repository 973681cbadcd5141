// `vastdeck migrate --abort`: an interrupted migration is given up in the journal (no more resume offers), nothing
// on Vast is touched, and a rented target is named so the user can destroy it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileJournal, MemoryJournal, readJournal } from '../../src/core/journal/journal.js';
import {
  abortRecord,
  abortSummary,
  emptyState,
  interruptedMigrations,
  migrationsFromJournal,
  type MigrationSpec,
} from '../../src/core/ops/migrate-record.js';
import { homeEnv, runCli } from '../helpers/run-cli.js';

const spec = (id: string, sourceId: number): MigrationSpec => ({
  id,
  sourceId,
  profileName: 'gpt2-a',
  profilesFile: '/p.yaml',
  offerId: null,
  runDir: '/workspace/run',
  logPath: '/workspace/train.log',
  continuation: null,
  allowBehind: false,
  sync: false,
  price: { kind: 'on-demand' },
});

/** A migration that got as far as renting its target (step 2), as the migration itself journals it. */
async function interrupted(
  journal: { append: MemoryJournal['append'] },
  id: string,
  sourceId: number,
  targetId: number | null,
) {
  await journal.append({
    op: 'migrate',
    phase: 'before',
    ids: { runId: id, instanceId: sourceId },
    details: { spec: spec(id, sourceId) },
  });
  const state = { ...emptyState(), done: ['verify-source'], verifiedStep: 1500 };
  await journal.append({ op: 'migrate.verify-source', phase: 'after', ids: { runId: id }, details: { state } });
  if (targetId !== null) {
    const s2 = { ...state, done: ['verify-source', 'provision'], targetId, targetLabel: `gpt2-a-4x4090#${id}` };
    await journal.append({
      op: 'migrate.provision',
      phase: 'after',
      ids: { runId: id, instanceId: targetId },
      details: { state: s2 },
    });
  }
}

test('an aborted migration is finished, no longer interrupted, and its summary names the rented target', async () => {
  const j = new MemoryJournal();
  await interrupted(j, 'abcd1234', 1002, 2001);
  await interrupted(j, 'efgh5678', 1003, null);
  const [m] = interruptedMigrations(j.records);
  assert.equal(m!.spec.id, 'abcd1234');
  const summary = abortSummary(m!);
  assert.match(
    summary,
    new RegExp(
      [
        '^aborted migration abcd1234 \\(2 of 8 steps done\\); the source 1002 is untouched; the target 2001 ',
        '\\(gpt2-a-4x4090#abcd1234\\) was rented and is not destroyed: .*vastdeck destroy 2001',
      ].join(''),
    ),
  );
  await j.append(abortRecord(m!));
  assert.deepEqual(
    interruptedMigrations(j.records).map((x) => x.spec.id),
    ['efgh5678'],
  );
  const all = migrationsFromJournal(j.records);
  assert.deepEqual(
    all.map((x) => [x.spec.id, x.finished, x.aborted]),
    [
      ['abcd1234', true, true],
      ['efgh5678', false, false],
    ],
  );
  assert.doesNotMatch(abortSummary(all[1]!), /target/, 'no target rented, none named');
});

test('vastdeck migrate --abort [ID]: one line, journaled, --list empties; bad uses are one-line usage errors', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-abort-'));
  try {
    const env = homeEnv(dir);
    const file = path.join(dir, 'state', 'vastdeck', 'journal.jsonl');
    const j = new FileJournal({ file });
    await interrupted(j, 'abcd1234', 1002, 2001);
    await interrupted(j, 'efgh5678', 1003, null);

    let r = await runCli(['migrate', '--abort'], { env });
    assert.equal(r.code, 2);
    assert.match(r.err, /2 interrupted migrations \(abcd1234, efgh5678\); name one: vastdeck migrate --abort ID/);
    r = await runCli(['migrate', '--abort', '--resume'], { env });
    assert.equal(r.code, 2);
    assert.match(r.err, /--resume and --abort do not go together/);

    r = await runCli(['migrate', '--abort', 'abcd1234'], { env });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /aborted migration abcd1234 .*vastdeck destroy 2001/);
    const last = (await readJournal(file)).records.at(-1)!;
    assert.deepEqual(
      [last.op, last.phase, last.ids.runId, last.details.aborted],
      ['migrate', 'after', 'abcd1234', true],
    );

    r = await runCli(['migrate', '--list'], { env });
    assert.match(r.out, /^efgh5678 {2}1003 → \?/);
    assert.doesNotMatch(r.out, /abcd1234/);
    r = await runCli(['migrate', '--abort', '--json'], { env });
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out), {
      id: 'efgh5678',
      aborted: true,
      sourceId: 1003,
      targetId: null,
      done: ['verify-source'],
    });
    r = await runCli(['migrate', '--abort', 'abcd1234'], { env });
    assert.equal(r.code, 2);
    assert.match(r.err, /no interrupted migration abcd1234 in the journal/);
    assert.ok(readFileSync(file, 'utf8').trim().split('\n').length === 7, 'two abort records appended, nothing else');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
