// `vastdeck pull`'s copy over a REAL OpenSSH sshd and real rsync: excludes honoured, progress reported, and a copy
// interrupted mid-file resumes from the kept partial file (--partial) instead of starting over.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pullArgv, runPull, type PullSpec } from '../../src/core/ops/pull.js';
import { startSshd, sshdSkipReason, type TestSshd } from '../helpers/sshd.js';

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('pull over a real sshd and rsync', { skip: sshdSkipReason }, () => {
  let sshd: TestSshd;
  let tmp: string;
  let remote: string;
  const BIG = 6 * 1024 * 1024;
  before(async () => {
    sshd = await startSshd();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'vd-pull-'));
    // The "instance" is this machine through sshd: the remote run dir is a temp dir.
    remote = path.join(tmp, 'remote', 'run');
    mkdirSync(path.join(remote, 'checkpoint-200'), { recursive: true });
    writeFileSync(path.join(remote, 'checkpoint-200', 'trainer_state.json'), '{"global_step": 200}');
    writeFileSync(path.join(remote, 'checkpoint-200', 'optimizer.pt'), randomBytes(4096));
    writeFileSync(path.join(remote, 'checkpoint-200', 'model.safetensors'), randomBytes(BIG));
  });
  after(async () => {
    await sshd?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });
  const spec = (local: string, extra: Partial<PullSpec> = {}): PullSpec => ({
    host: '127.0.0.1',
    port: sshd.port,
    remote: `${remote}/`,
    local,
    exclude: ['optimizer.pt'],
    knownHostsFile: path.join(tmp, 'known_hosts'),
    identityFiles: [sshd.clientKey],
    ...extra,
  });

  test('argv: archive, partial, progress, excludes, vastdeck known_hosts and key through ssh -p', () => {
    const a = pullArgv(spec('out'));
    assert.ok(a.includes('--partial') && a.includes('--info=progress2') && a.includes('--exclude=optimizer.pt'));
    const e = a[a.indexOf('-e') + 1]!;
    assert.match(e, new RegExp(`-p ${sshd.port}`));
    assert.match(e, /UserKnownHostsFile=.*known_hosts/);
    assert.equal(a.at(-2), `root@127.0.0.1:${remote}/`);
    assert.throws(() => pullArgv(spec('out', { host: '-oProxyCommand=x' })), /invalid host/);
    assert.throws(() => pullArgv(spec('out', { remote: '--rsh=evil' })), /invalid remote path/);
    assert.equal(pullArgv(spec('-odd')).at(-1), './-odd');
  });

  test('interrupted mid-file, then run again: resumes from the partial file; same bytes; excludes honoured', async () => {
    const local = path.join(tmp, 'local');
    const target = path.join(local, 'checkpoint-200', 'model.safetensors');
    const ac = new AbortController();
    const progress: string[] = [];
    // Slow enough to catch it mid-file: 1.5 MiB/s for 6 MiB.
    const first = runPull(spec(local, { bwlimitKBps: 1536 }), {
      signal: ac.signal,
      onProgress: (l) => progress.push(l),
    });
    const dir = path.join(local, 'checkpoint-200');
    const end = Date.now() + 20_000;
    const partialSize = () => {
      if (!existsSync(dir)) return 0;
      const tmpFile = readdirSync(dir).find((n) => n.startsWith('.model.safetensors.'));
      return tmpFile ? statSync(path.join(dir, tmpFile)).size : 0;
    };
    while (partialSize() < 1024 * 1024) {
      if (Date.now() > end) throw new Error('no partial file appeared');
      await new Promise((r) => setTimeout(r, 50));
    }
    ac.abort();
    const r1 = await first;
    assert.notEqual(r1.exitCode, 0);
    assert.equal(r1.interrupted, true);
    assert.ok(
      progress.some((l) => /\d+%/.test(l)),
      `progress lines: ${progress.slice(0, 3).join(' | ')}`,
    );
    // --partial kept what arrived under the final name.
    const kept = statSync(target).size;
    assert.ok(kept > 0 && kept < BIG, `kept ${kept} of ${BIG}`);

    const r2 = await runPull(spec(local));
    assert.equal(r2.exitCode, 0, r2.error);
    assert.equal(sha(target), sha(path.join(remote, 'checkpoint-200', 'model.safetensors')));
    assert.equal(readFileSync(path.join(dir, 'trainer_state.json'), 'utf8'), '{"global_step": 200}');
    assert.ok(!existsSync(path.join(dir, 'optimizer.pt')), 'excluded');
    // The host key was stored in vastdeck's known_hosts on first use.
    assert.match(readFileSync(path.join(tmp, 'known_hosts'), 'utf8'), new RegExp(`\\[127\\.0\\.0\\.1\\]:${sshd.port}`));
  });

  test('an unreachable host is a failed pull naming rsync/ssh, never a hang', async () => {
    const r = await runPull(spec(path.join(tmp, 'nowhere'), { port: 1 }));
    assert.notEqual(r.exitCode, 0);
    assert.equal(r.interrupted, false);
    assert.match(r.error ?? '', /connect|refused|unexplained|rsync/i);
  });
});
