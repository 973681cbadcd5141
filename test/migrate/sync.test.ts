// `migrate --sync` with an rsync store, over a REAL OpenSSH sshd and real rsync: step 1 copies the source's newest
// checkpoint (built from the real checkpoint fixture) into the store, then verifies it; without --sync the same
// empty store fails step 1 naming what is missing. The copy runs exactly as the CLI wires it (rsyncFromSource).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSshd, sshdSkipReason, type TestSshd } from '../helpers/sshd.js';
import { buildRunDir } from '../checkpoints/fixture.js';
import { RsyncStore } from '../../src/core/checkpoints/index.js';
import { SshPool } from '../../src/core/ssh/index.js';
import { MemoryJournal } from '../../src/core/journal/journal.js';
import { parseProfiles } from '../../src/core/profiles/load.js';
import { migrationSpec, rsyncFromSource } from '../../src/core/ops/migrate-setup.js';
import { runMigration, type MigrateEvent } from '../../src/core/ops/migrate.js';
import type { VastApi } from '../../src/core/vast/api.js';
import { makeInstance } from '../ui/fake-api.js';

describe('migrate --sync over a real sshd and rsync', { skip: sshdSkipReason }, () => {
  let sshd: TestSshd;
  let tmp: string;
  let runDir: string;
  let pool: SshPool;
  before(async () => {
    sshd = await startSshd();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'vd-migrate-sync-'));
    runDir = path.join(tmp, 'run');
    buildRunDir(runDir);
    pool = new SshPool({
      knownHostsFile: path.join(tmp, 'known_hosts'),
      auth: { agentSocket: null, keyPaths: [sshd.clientKey] },
    });
  });
  after(async () => {
    await pool?.close();
    await sshd?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function migrateStep1(sync: boolean, dest: string) {
    const store = new RsyncStore({ host: 'local', path: dest });
    const profiles = parseProfiles(
      `profiles:\n  p:\n    model: gpt2\n    image: pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel\n    diskGb: ` +
        `40\n    resume: "echo {checkpoint}"\n    checkpoint: { kind: rsync, host: local, path: ${dest} }\n`,
      'p.yaml',
    );
    const source = makeInstance(0, { id: 5001, status: 'running', sshHost: '127.0.0.1', sshPort: sshd.port });
    const spec = migrationSpec(5001, 'p', 'p.yaml', profiles.p!, { runDir, sync });
    const events: MigrateEvent[] = [];
    const identity = { knownHostsFile: path.join(tmp, 'known_hosts'), identityFiles: [sshd.clientKey] };
    const result = await runMigration(
      {
        api: { listInstances: async () => [source] } as unknown as VastApi,
        journal: new MemoryJournal(),
        sleep: async () => {},
        now: Date.now,
        exec: (inst, cmd) => pool.exec({ host: inst.sshHost!, port: inst.sshPort! }, cmd, { timeoutMs: 30_000 }),
        store,
        candidates: async () => [],
        sync: rsyncFromSource(store, identity),
      },
      { spec, profile: profiles.p!, timing: { pollMs: 1, uploadWaitMs: 0 }, onEvent: (e) => events.push(e) },
    );
    return { result, events };
  }

  test('with --sync, step 1 copies checkpoint-300 into the store over ssh and verifies it', async () => {
    const dest = path.join(tmp, 'store-sync');
    const { result, events } = await migrateStep1(true, dest);
    assert.ok(
      events.some((e) => e.type === 'info' && e.message === `copying checkpoint-300 into rsync:local:${dest}`),
      JSON.stringify(events),
    );
    assert.ok(existsSync(path.join(dest, 'checkpoint-300', 'model.safetensors')), 'copied by rsync');
    assert.deepEqual(readdirSync(dest), ['checkpoint-300'], 'only the newest checkpoint');
    assert.ok(events.some((e) => e.type === 'step' && e.step === 'verify-source' && e.phase === 'done'));
    assert.equal(result.state.verifiedStep, 300);
    // Nothing to rent the target on here: the run stops at step 2, resumable, with step 1 done.
    assert.equal(result.failedStep, 'provision');
    assert.deepEqual(result.state.done, ['verify-source']);
  });

  test('without --sync the empty store fails step 1, saying the checkpoint is not off the host', async () => {
    const dest = path.join(tmp, 'store-nosync');
    const { result, events } = await migrateStep1(false, dest);
    assert.ok(!events.some((e) => e.type === 'info' && e.message.startsWith('copying')));
    assert.equal(result.failedStep, 'verify-source');
    assert.match(result.message, /step 1 \(verify the checkpoint off the source host\) failed: .*300/);
    assert.ok(!existsSync(path.join(dest, 'checkpoint-300')));
  });
});
