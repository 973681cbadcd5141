// The ssh2 pool honours ~/.ssh/config (User, IdentityFile, one-hop ProxyJump) against two real sshds: a jump host
// and a target. The target's log names the user and key that logged in; the jump's log shows the forward it opened.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SshAuthError, SshConfigError, SshPool } from '../../src/core/ssh/index.js';
import { parseHop } from '../../src/core/ssh/via-config.js';
import { sshdSkipReason, startSshd, type TestSshd } from '../helpers/sshd.js';

/**
 * A non-root, unlocked account with a login shell (so `id -un` runs), else nobody (sshd logs it in; nologin refuses
 * the command, and the target's log still names the user and key).
 */
function loginUser(): { name: string; shell: boolean } {
  const locked = new Set<string>();
  try {
    for (const l of readFileSync('/etc/shadow', 'utf8').split('\n'))
      if (/^[^:]+:!/.test(l)) locked.add(l.split(':')[0]!);
  } catch {
    return { name: 'nobody', shell: false };
  }
  const shells = new Set(
    readFileSync('/etc/shells', 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('/')),
  );
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const f = line.split(':');
    if (f.length >= 7 && f[2] !== '0' && !locked.has(f[0]!) && shells.has(f[6]!) && !f[6]!.endsWith('tmux'))
      return { name: f[0]!, shell: true };
  }
  return { name: 'nobody', shell: false };
}

function keygen(file: string, passphrase = ''): string {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'cfg', '-f', file]);
  assert.equal(r.status, 0, String(r.stderr));
  return spawnSync('ssh-keygen', ['-l', '-f', `${file}.pub`])
    .stdout.toString()
    .split(' ')[1]!;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('ssh2 pool honours ~/.ssh/config', { skip: sshdSkipReason }, () => {
  const user = loginUser();
  let jump: TestSshd;
  let target: TestSshd;
  let tmp: string;
  let pubDir: string;
  let cfgKey: string;
  let cfgFp: string;
  const pools: SshPool[] = [];
  const homeBefore = process.env.HOME;
  const newPool = () => {
    const p = new SshPool({
      knownHostsFile: path.join(tmp, 'known_hosts'),
      auth: { agentSocket: null, keyPaths: [target.clientKey] },
      readyTimeoutMs: 5000,
      backoff: { maxAttempts: 1 },
    });
    pools.push(p);
    return p;
  };
  const home = (config?: string) => {
    const h = mkdtempSync(path.join(tmp, 'home-'));
    mkdirSync(path.join(h, '.ssh'));
    if (config !== undefined) writeFileSync(path.join(h, '.ssh', 'config'), config);
    process.env.HOME = h;
    return h;
  };
  const config = (identity: string, proxy = 'vdjump') =>
    [
      'Host vdjump',
      '  HostName 127.0.0.1',
      `  Port ${jump.port}`,
      '  User root',
      `  IdentityFile ${jump.clientKey}`,
      'Host 127.0.0.1',
      `  ProxyJump ${proxy}`,
      `  User ${user.name}`,
      `  IdentityFile ${identity}`,
      '',
    ].join('\n');

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'vd-sshcfg-'));
    // The configured user's authorized_keys must be readable by that user (sshd reads it with the user's rights).
    pubDir = mkdtempSync(path.join(os.tmpdir(), 'vd-sshcfg-pub-'));
    chmodSync(pubDir, 0o755);
    cfgKey = path.join(tmp, 'vast_key');
    cfgFp = keygen(cfgKey);
    writeFileSync(path.join(pubDir, 'authorized_keys'), readFileSync(`${cfgKey}.pub`), { mode: 0o644 });
    jump = await startSshd({ logLevel: 'DEBUG1' });
    target = await startSshd({
      logLevel: 'VERBOSE',
      extraConfig: [`Match User ${user.name}`, `  AuthorizedKeysFile ${path.join(pubDir, 'authorized_keys')}`],
    });
  });
  after(async () => {
    process.env.HOME = homeBefore;
    for (const p of pools) await p.close();
    await jump?.stop();
    await target?.stop();
    rmSync(tmp, { recursive: true, force: true });
    rmSync(pubDir, { recursive: true, force: true });
  });

  test('exec reaches the target through ProxyJump, as the configured User with the configured IdentityFile', async () => {
    home(config(cfgKey));
    const r = await newPool().exec({ host: '127.0.0.1', port: target.port }, 'id -un');
    if (user.shell) assert.equal(r.stdout.trim(), user.name);
    else assert.doesNotMatch(r.stdout, /root/);
    // The target saw the configured user and key (vastdeck's own key is authorized for root only)...
    assert.match(
      target.log(),
      new RegExp(
        `Accepted publickey for ${escapeRe(user.name)} from 127\\.0\\.0\\.1 port \\d+ ssh2: ED25519 ${escapeRe(cfgFp)}`,
      ),
    );
    // ...over a connection the jump host opened for us.
    assert.match(jump.log(), new RegExp(`target 127\\.0\\.0\\.1 port ${target.port}\\b`));
    assert.match(jump.log(), /Accepted publickey for root from 127\.0\.0\.1/);
  });

  test("without a ~/.ssh/config the same call logs in directly as root with vastdeck's key", async () => {
    home();
    const jumpLogBefore = jump.log().length;
    const targetLogBefore = target.log().length;
    const r = await newPool().exec({ host: '127.0.0.1', port: target.port }, 'id -un');
    assert.equal(r.stdout.trim(), 'root');
    const fp = spawnSync('ssh-keygen', ['-l', '-f', `${target.clientKey}.pub`])
      .stdout.toString()
      .split(' ')[1]!;
    assert.match(
      target.log().slice(targetLogBefore),
      new RegExp(`Accepted publickey for root from 127\\.0\\.0\\.1 port \\d+ ssh2: ED25519 ${escapeRe(fp)}`),
    );
    assert.doesNotMatch(jump.log().slice(jumpLogBefore), /Accepted publickey|direct-tcpip|target 127/);
  });

  test('an encrypted IdentityFile is named in the auth error; a ProxyJump chain is refused in one line', async () => {
    const enc = path.join(tmp, 'enc_key');
    keygen(enc, 'secret-pass');
    home(config(enc));
    await assert.rejects(newPool().exec({ host: '127.0.0.1', port: target.port }, 'true'), (err: Error) => {
      assert.ok(err instanceof SshAuthError, err.message);
      assert.match(err.message, new RegExp(`${escapeRe(enc)} is encrypted: add it to ssh-agent`));
      assert.doesNotMatch(err.message, /secret-pass/);
      return true;
    });
    home(config(cfgKey, `vdjump,root@127.0.0.1:${jump.port}`));
    await assert.rejects(newPool().exec({ host: '127.0.0.1', port: target.port }, 'true'), (err: Error) => {
      assert.ok(err instanceof SshConfigError, err.message);
      assert.match(err.message, /chain of jump hosts.*support one jump host/);
      assert.equal(err.message.split('\n').length, 1);
      return true;
    });
  });

  test('a dead jump host is named in the error', async () => {
    home(config(cfgKey, 'root@127.0.0.1:1'));
    await assert.rejects(newPool().exec({ host: '127.0.0.1', port: target.port }, 'true'), (err: Error) => {
      assert.match(
        err.message,
        new RegExp(
          `unreachable.*jump host 127\\.0\\.0\\.1:1 \\(ProxyJump root@\\[?127\\.0\\.0\\.1\\]?:1\\) for ` +
            `127\\.0\\.0\\.1:${target.port}`,
        ),
      );
      return true;
    });
  });

  test('ProxyJump hop syntax', () => {
    assert.deepEqual(parseHop('ops@bastion:2222'), { user: 'ops', host: 'bastion', port: 2222 });
    assert.deepEqual(parseHop('bastion'), { user: undefined, host: 'bastion', port: undefined });
    assert.deepEqual(parseHop('ssh://u@[::1]:22'), { user: 'u', host: '::1', port: 22 });
    assert.equal(parseHop('a b'), undefined);
    assert.equal(parseHop('h:99999'), undefined);
    assert.ok(existsSync(cfgKey));
  });
});
