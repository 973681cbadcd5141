import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  FileJournal,
  MemoryJournal,
  readJournal,
  parseJournal,
  defaultJournalPath,
} from '../../src/core/journal/journal.js';
import { scrub, MASK } from '../../src/core/journal/record.js';

function tmpFile(): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), 'vd-journal-')), 'sub', 'journal.jsonl');
}

test('records are appended one JSON object per line with the schema fields, and read back', async () => {
  const file = tmpFile();
  let t = 1000;
  const j = new FileJournal({ file, now: () => t++ });
  await j.append({
    op: 'provision.create',
    phase: 'before',
    ids: { offerId: 7, nonce: 'abcd1234' },
    details: { image: 'x' },
  });
  await j.append({ op: 'provision.create', phase: 'after', ids: { offerId: 7, instanceId: 99 } });
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, 2);
  assert.deepEqual(JSON.parse(lines[0]!), {
    ts: 1000,
    op: 'provision.create',
    phase: 'before',
    ids: { offerId: 7, nonce: 'abcd1234' },
    details: { image: 'x' },
  });
  const read = await readJournal(file);
  assert.equal(read.records.length, 2);
  assert.equal(read.records[1]!.ids.instanceId, 99);
  assert.equal(read.tornTail, false);
  assert.equal(statSync(file).mode & 0o777, 0o600);
});

test('concurrent appends never interleave', async () => {
  const file = tmpFile();
  const j = new FileJournal({ file });
  await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      j.append({ op: 'x', phase: 'before', ids: { offerId: i }, details: { pad: 'y'.repeat(500) } }),
    ),
  );
  const read = await readJournal(file);
  assert.equal(read.records.length, 40);
  assert.deepEqual(
    read.records.map((r) => r.ids.offerId),
    Array.from({ length: 40 }, (_, i) => i),
  );
  assert.deepEqual(read.badLines, []);
});

test('a torn last line (crash mid-write) is tolerated and reported', async () => {
  const file = tmpFile();
  const j = new FileJournal({ file });
  await j.append({ op: 'a', phase: 'before' });
  await j.append({ op: 'a', phase: 'after' });
  appendFileSync(file, '{"ts":3,"op":"provision.cre');
  const read = await readJournal(file);
  assert.equal(read.records.length, 2);
  assert.equal(read.tornTail, true);
  assert.deepEqual(read.badLines, []);
  // Appending after a torn tail: the torn fragment becomes a bad line, the new record is still read.
  const read2 = parseJournal(
    readFileSync(file, 'utf8') + '\n' + JSON.stringify({ ts: 4, op: 'b', phase: 'after', ids: {}, details: {} }) + '\n',
  );
  assert.equal(read2.records.length, 3);
  assert.deepEqual(read2.badLines, [3]);
});

test('a missing journal reads as empty; the default lives in the XDG state dir', async () => {
  assert.deepEqual(await readJournal(path.join(os.tmpdir(), 'vd-none', 'j.jsonl')), {
    records: [],
    tornTail: false,
    badLines: [],
  });
  assert.equal(defaultJournalPath({ XDG_STATE_HOME: '/s' }), '/s/vastdeck/journal.jsonl');
});

test('no secrets reach the journal: env values, secret-named fields, tokens and registered secrets', async () => {
  const file = tmpFile();
  const runtimeSecret = 'correct-horse-battery';
  const j = new FileJournal({ file, secrets: [runtimeSecret] });
  await j.append({
    op: 'provision.create',
    phase: 'before',
    details: {
      request: {
        image: 'img',
        env: { WANDB_MODE: 'offline', HF_TOKEN: 'hf_abcdefghijklmnopqrstuvwxyz123456', PLAIN: runtimeSecret },
      },
      apiKey: 'zzzzzzzzzzzzzzzzzz',
      note: `used ${runtimeSecret} inline`,
      stray: 'ghp_abcdefghijklmnopqrstuvwxyz123456',
    },
  });
  const text = readFileSync(file, 'utf8');
  for (const s of [
    'offline',
    'hf_abcdefghijklmnopqrstuvwxyz123456',
    runtimeSecret,
    'zzzzzzzzzzzzzzzzzz',
    'ghp_abcdefghijklmnopqrstuvwxyz123456',
  ]) {
    assert.equal(text.includes(s), false, `journal contains ${s}`);
  }
  const rec = (await readJournal(file)).records[0]!;
  const req = rec.details.request as { image: string; env: Record<string, string> };
  assert.equal(req.image, 'img');
  assert.deepEqual(Object.keys(req.env), ['WANDB_MODE', 'HF_TOKEN', 'PLAIN']);
  assert.ok(Object.values(req.env).every((v) => v === MASK));
  assert.equal(rec.details.note, `used ${MASK} inline`);
});

test('scrub leaves ordinary values alone', () => {
  assert.deepEqual(scrub({ a: 1, b: 'mosaic-gpt2-4x3090#abcd1234', c: [true, null] }), {
    a: 1,
    b: 'mosaic-gpt2-4x3090#abcd1234',
    c: [true, null],
  });
});

test('a record that breaks the schema is refused before it is written', async () => {
  const j = new MemoryJournal();
  await assert.rejects(j.append({ op: '', phase: 'before' }));
  await assert.rejects(j.append({ op: 'x', phase: 'during' as 'before' }));
  assert.equal(j.records.length, 0);
});
