/**
 * The continuation file (the runbook's step 8, CONTINUATION_CONTEXT.md): vastdeck owns only the block between its
 * markers, leaves every other line of the operator's notes, and writes atomically.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readContinuation, writeContinuation, type Continuation } from '../../src/core/ops/migrate-host.js';

const c = (over: Partial<Continuation> = {}): Continuation => ({
  instanceId: 2002,
  label: 'mosaic-gpt2-1x4090-ab12cd34',
  ssh: { host: 'ssh5.vast.ai', port: 12345 },
  step: 4200,
  time: '2026-12-02T12:00:00.000Z',
  migrationId: 'ab12cd34',
  previousInstanceId: 1001,
  profile: 'gpt2-4090',
  ...over,
});

const NOTES = [
  '# Continuation context',
  '',
  'Run: mosaic gpt2, config configs/mosaic_small.yaml, run dir runs/gpt2-a.',
  '- lr dropped to 3e-4 at step 3000 (see wandb)',
  '- NEVER use mosaic_small.yaml for MoE',
  '',
].join('\n');

test('a migration keeps the operator notes and writes its own block between the markers', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-cont-'));
  try {
    const file = path.join(dir, 'CONTINUATION_CONTEXT.md');
    writeFileSync(file, NOTES);
    chmodSync(file, 0o600);
    await writeContinuation(file, c());
    const text = readFileSync(file, 'utf8');
    assert.ok(text.startsWith(NOTES), 'every line of the notes is kept, in place');
    assert.match(text, /<!-- vastdeck -->\n[\s\S]*2002[\s\S]*\n<!-- \/vastdeck -->\n$/);
    assert.equal(readContinuation(text)?.instanceId, 2002);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'the file keeps its mode');

    // The next migration replaces the block, and only the block; notes added after it stay too.
    writeFileSync(file, text + '\nlater note by hand\n');
    await writeContinuation(
      file,
      c({ instanceId: 3003, previousInstanceId: 2002, migrationId: 'zz99yy88', step: 5100 }),
    );
    const again = readFileSync(file, 'utf8');
    assert.ok(again.startsWith(NOTES));
    assert.ok(again.endsWith('\nlater note by hand\n'));
    assert.equal(again.match(/<!-- vastdeck -->/g)?.length, 1, 'one block');
    assert.doesNotMatch(again, /2002 \(/, 'the old target is not named as the current one');
    const r = readContinuation(again)!;
    assert.deepEqual([r.instanceId, r.previousInstanceId, r.step, r.migrationId], [3003, 2002, 5100, 'zz99yy88']);
    assert.deepEqual(readdirSync(dir), ['CONTINUATION_CONTEXT.md'], 'no temp file left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a new file gets only the block; a file of an older vastdeck (JSON) is replaced by the block', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-cont-'));
  try {
    const file = path.join(dir, 'sub', 'CONT.md');
    await writeContinuation(file, c());
    assert.equal(readContinuation(readFileSync(file, 'utf8'))?.label, 'mosaic-gpt2-1x4090-ab12cd34');
    const old = path.join(dir, 'old.md');
    writeFileSync(old, JSON.stringify(c({ instanceId: 7 }), null, 2) + '\n');
    await writeContinuation(old, c());
    const text = readFileSync(old, 'utf8');
    assert.ok(text.startsWith('<!-- vastdeck -->'), text);
    assert.equal(readContinuation(text)?.instanceId, 2002);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a label with a marker or a newline cannot break the block', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-cont-'));
  try {
    const file = path.join(dir, 'C.md');
    writeFileSync(file, NOTES);
    await writeContinuation(file, c({ label: 'x\n<!-- /vastdeck -->\nrm -rf' }));
    await writeContinuation(file, c());
    const text = readFileSync(file, 'utf8');
    assert.ok(text.startsWith(NOTES));
    assert.equal(text.match(/<!-- \/vastdeck -->/g)?.length, 1);
    assert.doesNotMatch(text, /rm -rf/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
