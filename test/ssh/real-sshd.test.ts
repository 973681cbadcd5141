// The SSH core against a real OpenSSH sshd on 127.0.0.1: exec, timeouts, follow through a host dying and
// coming back, a changed host key, and the attach argv with real ssh and tmux.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  attachCommand,
  shellQuote,
  SshPool,
  HostKeyChangedError,
  SshTimeoutError,
  type LogFollow,
  type FollowEnd,
} from '../../src/core/ssh/index.js';
import { sshdSkipReason, startSshd, type TestSshd } from '../helpers/sshd.js';

const tmuxSkip = spawnSync('tmux', ['-V']).status === 0 ? undefined : 'tmux not installed';

/** Resolves when `pred` holds, polling; rejects with `what` after ms. */
async function until(pred: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Collects a follow's output as text. */
function collect(f: LogFollow) {
  const s = { text: '', ends: [] as FollowEnd[], interrupted: 0, gaps: 0 };
  f.on('data', (d) => (s.text += d.toString('utf8')));
  f.on('end', (e) => s.ends.push(e));
  f.on('interrupted', () => s.interrupted++);
  f.on('gap', () => s.gaps++);
  return s;
}

describe('ssh core against real sshd', { skip: sshdSkipReason }, () => {
  let sshd: TestSshd;
  let dir: string;
  let pool: SshPool;
  let target: { host: string; port: number };
  const newPool = (extra = {}) =>
    new SshPool({
      knownHostsFile: path.join(dir, 'state', 'known_hosts'),
      auth: { agentSocket: null, keyPaths: [sshd.clientKey] },
      keepaliveIntervalMs: 500,
      keepaliveCountMax: 2,
      readyTimeoutMs: 3000,
      backoff: { initialMs: 100, maxMs: 400 },
      ...extra,
    });

  before(async () => {
    sshd = await startSshd();
    dir = mkdtempSync(path.join(os.tmpdir(), 'vd-ssh-test-'));
    target = { host: '127.0.0.1', port: sshd.port };
    pool = newPool();
  });
  after(async () => {
    await pool?.close();
    await sshd?.stop();
  });

  test('exec returns stdout, stderr and exit code; trusts the host key on first use', async () => {
    const r = await pool.exec(target, `printf 'out\\n'; printf 'err\\n' >&2; exit 3`);
    assert.deepEqual([r.stdout, r.stderr, r.code], ['out\n', 'err\n', 3]);
    const stored = readFileSync(path.join(dir, 'state', 'known_hosts'), 'utf8');
    assert.match(stored, new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sshd.port} ssh-ed25519 `));
    assert.equal(pool.hostKeys.check('127.0.0.1', sshd.port, Buffer.from(stored.split(' ')[2]!, 'base64')), 'known');
  });

  test('auth through ssh-agent with agent forwarding (as on a login node)', async () => {
    const sock = path.join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      await until(() => existsSync(sock), 'agent socket');
      assert.equal(
        spawnSync('ssh-add', ['-q', sshd.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: sock } }).status,
        0,
      );
      const agentPool = newPool({ auth: { agentSocket: sock, keyPaths: [], agentForward: true } });
      try {
        const r = await agentPool.exec(target, 'ssh-add -l >/dev/null && echo forwarded');
        assert.equal(r.stdout, 'forwarded\n');
      } finally {
        await agentPool.close();
      }
    } finally {
      agent.kill();
    }
  });

  test('exec timeout closes the channel and throws a typed timeout', async () => {
    const t0 = Date.now();
    await assert.rejects(pool.exec(target, 'sleep 30', { timeoutMs: 300 }), (e: unknown) => {
      assert.ok(e instanceof SshTimeoutError);
      assert.match((e as Error).message, /127\.0\.0\.1:\d+: command timed out after 300 ms/);
      return true;
    });
    assert.ok(Date.now() - t0 < 5000);
    // The connection is still usable after a timed-out command.
    assert.equal((await pool.exec(target, 'echo ok')).stdout, 'ok\n');
  });

  test('follow streams a growing log, path with spaces and quotes shell-quoted', async () => {
    const log = path.join(dir, "train log 'x'.log");
    writeFileSync(log, 'line 0\n');
    const f = pool.follow(target, log);
    const s = collect(f);
    await until(() => s.text.includes('line 0\n'), 'backlog');
    for (let i = 1; i <= 3; i++) appendFileSync(log, `line ${i}\n`);
    await until(() => s.text.includes('line 3\n'), 'appended lines');
    assert.equal(s.text, 'line 0\nline 1\nline 2\nline 3\n');
    f.stop();
    await until(() => s.ends.length === 1, 'end');
    assert.equal(s.ends[0]!.reason, 'stopped');
  });

  test('follow survives the host dying and coming back on the same port, without repeating lines', async () => {
    const log = path.join(dir, 'resume.log');
    writeFileSync(log, 'a1\na2\n');
    const f = pool.follow(target, log);
    const s = collect(f);
    await until(() => s.text === 'a1\na2\n', 'backlog');
    await sshd.kill();
    await until(() => s.interrupted === 1, 'interruption');
    appendFileSync(log, 'b1 written while down\n');
    await sshd.start();
    await until(() => s.text.includes('b1 written while down\n'), 'resume after restart');
    appendFileSync(log, 'c1\n');
    await until(() => s.text.includes('c1\n'), 'lines after resume');
    assert.equal(s.text, 'a1\na2\nb1 written while down\nc1\n');
    assert.equal(s.gaps, 0);
    assert.equal(s.ends.length, 0, 'no end while reconnecting');
    f.stop();
    await until(() => s.ends.length === 1, 'end');
  });

  test('without reconnect, a dying host ends the follow with reason "disconnected"', async () => {
    const log = path.join(dir, 'once.log');
    writeFileSync(log, 'x\n');
    const f = pool.follow(target, log, { reconnect: false });
    const s = collect(f);
    await until(() => s.text === 'x\n', 'backlog');
    await sshd.kill();
    await until(() => s.ends.length === 1, 'end');
    assert.equal(s.ends[0]!.reason, 'disconnected');
    await sshd.start();
  });

  test('attach argv works with real ssh and tmux: creates the session, then attaches to it', {
    skip: tmuxSkip,
  }, async () => {
    const kh = path.join(dir, 'attach_known_hosts');
    const { file, args } = attachCommand({
      host: '127.0.0.1',
      port: sshd.port,
      mode: 'tmux',
      knownHostsFile: kh,
      identityFiles: [sshd.clientKey],
    });
    const env = { ...process.env, TMUX: '', SSH_AUTH_SOCK: '' };
    const inner = (...a: string[]) =>
      spawnSync('tmux', a, { env: { ...env, TMUX_TMPDIR: sshd.tmuxDir }, encoding: 'utf8' });
    const outerSock = path.join(dir, 'outer.sock');
    // The outer tmux only provides a pty for ssh -t, on its own socket so no other tmux server is touched.
    const outer = () =>
      spawnSync(
        'tmux',
        ['-S', outerSock, 'new-session', '-d', '-x', '100', '-y', '30', [file, ...args].map(shellQuote).join(' ')],
        { env },
      );
    const clients = () => inner('list-clients', '-t', 'train').stdout.trim().split('\n').filter(Boolean).length;
    try {
      // On a loaded machine the first ssh can lose a race with the sshd restarted by the previous test; it then
      // exits at once. Try up to three times, keeping what the ssh printed for the failure message.
      let last = '';
      for (let attempt = 1; ; attempt++) {
        assert.equal(outer().status, 0);
        try {
          await until(
            () => inner('has-session', '-t', 'train').status === 0 && clients() === 1,
            'tmux session train created through ssh',
            10_000,
          );
          break;
        } catch (err) {
          last = spawnSync('tmux', ['-S', outerSock, 'capture-pane', '-p'], { env, encoding: 'utf8' }).stdout ?? '';
          spawnSync('tmux', ['-S', outerSock, 'kill-server'], { env });
          if (attempt === 3) throw new Error(`${(err as Error).message}; ssh printed: ${last.trim().slice(-300)}`);
        }
      }
      assert.match(
        readFileSync(kh, 'utf8'),
        new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sshd.port} ssh-ed25519 `),
        'ssh stored the key, unhashed',
      );
      const created = inner('display-message', '-p', '-t', 'train', '#{session_created}').stdout;
      spawnSync('tmux', ['-S', outerSock, 'kill-server'], { env });
      await until(() => clients() === 0, 'ssh client gone');
      assert.equal(outer().status, 0);
      await until(() => clients() === 1, 'attached again');
      assert.equal(
        inner('display-message', '-p', '-t', 'train', '#{session_created}').stdout,
        created,
        'same session, not a new one',
      );
      assert.equal(inner('list-sessions').stdout.trim().split('\n').length, 1);
    } finally {
      spawnSync('tmux', ['-S', outerSock, 'kill-server'], { env });
    }
  });

  test('a changed host key is refused with one line naming host:port and the file', async () => {
    await pool.drop(target);
    await sshd.kill();
    sshd.rotateHostKey();
    await sshd.start();
    const err = await pool.exec(target, 'true').then(
      () => assert.fail('connected despite a changed host key'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof HostKeyChangedError);
    const msg = (err as Error).message;
    assert.equal(msg.split('\n').length, 1);
    assert.ok(msg.includes(`127.0.0.1:${sshd.port}`));
    assert.ok(msg.includes(path.join(dir, 'state', 'known_hosts')));
    assert.ok(msg.includes(sshd.fingerprint()), 'names the new fingerprint');
    assert.doesNotMatch(msg, /AAAA/, 'no key material');
    // A follow ends with an error instead of retrying forever.
    const f = pool.follow(target, '/etc/hostname');
    const s = collect(f);
    await until(() => s.ends.length === 1, 'follow end');
    assert.equal(s.ends[0]!.reason, 'error');
    assert.ok(s.ends[0]!.error instanceof HostKeyChangedError);
  });
});
