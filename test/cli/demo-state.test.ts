/**
 * `--demo` starts a new simulated world on every run: its journal must start fresh with it, or the TUI offers to
 * resume a migration of instances that no longer exist.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileJournal, readJournal } from '../../src/core/journal/journal.js';
import { interruptedMigrations } from '../../src/core/ops/migrate.js';
import { prepareDemoState } from '../../src/cli/demo-state.js';

test('a restarted demo has no interrupted migration from the last demo world; the old journal is kept aside', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'vd-demo-'));
  try {
    const env = { VASTDECK_STATE_DIR: root } as NodeJS.ProcessEnv;
    const dir = prepareDemoState(env);
    const journal = path.join(dir, 'journal.jsonl');
    // What the last demo run left: a migration killed in step 3, and the simulated hosts' keys.
    const spec = {
      id: 'abcd1234',
      sourceId: 1002,
      profileName: 'demo',
      profilesFile: '/p.yaml',
      offerId: null,
      runDir: '/workspace/run',
      logPath: '/workspace/train.log',
      continuation: null,
      allowBehind: false,
      sync: false,
      price: { kind: 'on-demand' },
    };
    const j = new FileJournal({ file: journal });
    await j.append({ op: 'migrate', phase: 'before', ids: { runId: spec.id, instanceId: 1002 }, details: { spec } });
    writeFileSync(path.join(dir, 'known_hosts'), '[127.0.0.1]:40000 ssh-ed25519 AAAA\n');
    assert.equal(interruptedMigrations((await readJournal(journal)).records).length, 1);

    const again = prepareDemoState(env);
    assert.equal(again, dir);
    assert.equal(
      interruptedMigrations((await readJournal(journal)).records).length,
      0,
      'no resume offer for a world that is gone',
    );
    assert.equal(existsSync(path.join(dir, 'known_hosts')), false);
    assert.match(
      readFileSync(path.join(dir, 'journal.previous.jsonl'), 'utf8'),
      /abcd1234/,
      'the last run kept for reading',
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the real account state is never touched', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'vd-demo-'));
  try {
    writeFileSync(path.join(root, 'journal.jsonl'), '{"real":true}\n');
    mkdirSync(path.join(root, 'demo'));
    prepareDemoState({ VASTDECK_STATE_DIR: root } as NodeJS.ProcessEnv);
    assert.equal(readFileSync(path.join(root, 'journal.jsonl'), 'utf8'), '{"real":true}\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
