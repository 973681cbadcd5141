// The host's checkpoint hashes are cached by host, path, size and mtime in the state dir too: a later process (a
// second `vastdeck destroy`) sends no hashing command for an unchanged checkpoint, and a changed file is hashed again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clearHashCache, hashHostFiles, hashStats, setHashCacheFile } from '../../src/core/checkpoints/hash.js';
import type { ListedFile } from '../../src/core/checkpoints/host.js';

const SHA = (c: string) => c.repeat(64);
const BLOB = (c: string) => c.repeat(40);

/** A host that answers the hashing command for two files (model.safetensors is large, config.json small). */
function host() {
  const cmds: string[] = [];
  const exec = async (cmd: string) => {
    cmds.push(cmd);
    const big = cmd.includes('model.safetensors');
    const lines = [
      ...(big ? [`${SHA('a')}  /r/checkpoint-5/model.safetensors`] : []),
      `${SHA('b')}  /r/checkpoint-5/config.json`,
      `${BLOB('c')}  -`,
    ];
    return { stdout: lines.join('\n') + '\n', code: 0 };
  };
  return { exec, cmds };
}

test('a second process finds the hashes in the state dir; a changed mtime hashes again', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vd-hash-cache-'));
  try {
    setHashCacheFile(path.join(dir, 'hash-cache.jsonl'));
    const listed: ListedFile[] = [
      { path: 'config.json', size: 700, mtimeMs: 1000 },
      { path: 'model.safetensors', size: 50_000_000, mtimeMs: 1000 },
    ];
    const h = host();
    const first = await hashHostFiles(h.exec, '/r/checkpoint-5', listed, '9100001@127.0.0.1:2222');
    assert.equal(first.error, undefined);
    assert.equal(h.cmds.length, 1);
    // A new process: the memory cache is empty, the file is not.
    clearHashCache();
    const before = hashStats.commands;
    const second = await hashHostFiles(h.exec, '/r/checkpoint-5', listed, '9100001@127.0.0.1:2222');
    assert.equal(hashStats.commands, before, 'no hashing command on the second check');
    assert.deepEqual(second.files, first.files);
    // The model was rewritten (new mtime): only it is hashed again.
    clearHashCache();
    const changed = [listed[0]!, { ...listed[1]!, mtimeMs: 2000 }];
    await hashHostFiles(h.exec, '/r/checkpoint-5', changed, '9100001@127.0.0.1:2222');
    assert.equal(h.cmds.length, 2);
    assert.match(h.cmds[1]!, /model\.safetensors/);
    assert.doesNotMatch(h.cmds[1]!, /config\.json/);
    // A damaged cache file costs a re-hash, never an error.
    writeFileSync(path.join(dir, 'hash-cache.jsonl'), '{"k":\n');
    clearHashCache();
    const again = await hashHostFiles(h.exec, '/r/checkpoint-5', listed, '9100001@127.0.0.1:2222');
    assert.equal(again.error, undefined);
  } finally {
    setHashCacheFile(null);
    rmSync(dir, { recursive: true, force: true });
  }
});
