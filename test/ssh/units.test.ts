// Pure parts of the SSH core: host-key store, attach argv, resume de-duplication, backoff, quoting.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  attachCommand,
  backoffDelay,
  fingerprint,
  HostKeyChangedError,
  HostKeyStore,
  resolveAuth,
  shellQuote,
  tailCommand,
} from '../../src/core/ssh/index.js';
import { ResumeFilter } from '../../src/core/ssh/resume.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'vd-ssh-unit-'));
/** A fake but well-formed ed25519 public-key blob. */
const blob = (seed = randomBytes(32)) => {
  const t = Buffer.from('ssh-ed25519');
  const b = Buffer.alloc(4 + t.length + 4 + 32);
  b.writeUInt32BE(t.length, 0);
  t.copy(b, 4);
  b.writeUInt32BE(32, 4 + t.length);
  seed.copy(b, 8 + t.length);
  return b;
};

describe('HostKeyStore', () => {
  test('an edit of the file applies at the next check, even one that keeps its size', () => {
    const file = path.join(tmp(), 'known_hosts');
    const k1 = blob();
    const k2 = blob();
    const store = new HostKeyStore(file);
    store.verify('127.0.0.1', 2200, k1);
    assert.equal(store.check('127.0.0.1', 2200, k1), 'known');
    // Same length, another key: the user replaced the line by hand.
    writeFileSync(file, readFileSync(file, 'utf8').replace(k1.toString('base64'), k2.toString('base64')));
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    assert.equal(store.check('127.0.0.1', 2200, k1), 'changed');
    assert.equal(store.check('127.0.0.1', 2200, k2), 'known');
  });

  test('trust on first use, then known, then a changed key is refused without rewriting the file', () => {
    const file = path.join(tmp(), 'state', 'known_hosts');
    const store = new HostKeyStore(file);
    const k1 = blob();
    store.verify('ssh5.vast.ai', 31022, k1);
    const text = readFileSync(file, 'utf8');
    assert.equal(text, `[ssh5.vast.ai]:31022 ssh-ed25519 ${k1.toString('base64')}\n`);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    store.verify('ssh5.vast.ai', 31022, k1);
    const k2 = blob();
    assert.throws(
      () => store.verify('ssh5.vast.ai', 31022, k2),
      (e: unknown) => {
        assert.ok(e instanceof HostKeyChangedError);
        assert.equal(
          e.message,
          `ssh ssh5.vast.ai:31022: HOST KEY CHANGED (now ${fingerprint(k2)}); refusing to connect. If the host ` +
            `was legitimately replaced, delete its line from ${file}`,
        );
        return true;
      },
    );
    assert.equal(readFileSync(file, 'utf8'), text);
    assert.equal(store.check('ssh5.vast.ai', 31023, k2), 'new', 'ports are distinct hosts');
  });

  test('reads hashed entries (HashKnownHosts yes) and port-22 entries', () => {
    const file = path.join(tmp(), 'known_hosts');
    const k = blob();
    const salt = randomBytes(20);
    const mac = createHmac('sha1', salt).update('[10.0.0.1]:2222').digest('base64');
    writeFileSync(
      file,
      `# comment\n|1|${salt.toString('base64')}|${mac} ssh-ed25519 ${k.toString('base64')}\nexample.org ` +
        `ssh-ed25519 ${k.toString('base64')}\n`,
    );
    const store = new HostKeyStore(file);
    assert.equal(store.check('10.0.0.1', 2222, k), 'known');
    assert.equal(store.check('10.0.0.1', 2222, blob()), 'changed');
    assert.equal(store.check('example.org', 22, k), 'known');
    assert.deepEqual(store.knownTypes('example.org', 22), ['ssh-ed25519']);
  });

  test('fingerprint matches ssh-keygen -l format', () => {
    assert.match(fingerprint(blob()), /^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});

describe('attachCommand', () => {
  const base = { host: 'ssh5.vast.ai', port: 31022, knownHostsFile: '/home/u/.local/state/vastdeck/known_hosts' };
  test('tmux mode: attach or create the session, with vastdeck host-key options', () => {
    const { file, args } = attachCommand({ ...base, mode: 'tmux' });
    assert.equal(file, 'ssh');
    assert.deepEqual(args.slice(0, 3), ['-t', '-p', '31022']);
    assert.ok(args.includes('StrictHostKeyChecking=accept-new'));
    assert.ok(args.includes('UserKnownHostsFile=/home/u/.local/state/vastdeck/known_hosts'));
    assert.deepEqual(args.slice(-3), ['--', 'root@ssh5.vast.ai', 'tmux attach -t train || tmux new -s train']);
  });
  test('shell mode has no remote command; odd paths are escaped for ssh_config', () => {
    const { args } = attachCommand({
      ...base,
      mode: 'shell',
      knownHostsFile: '/tmp/my dir/100%/kh',
      agentForward: true,
    });
    assert.equal(args.at(-1), 'root@ssh5.vast.ai');
    assert.ok(args.includes('UserKnownHostsFile="/tmp/my dir/100%%/kh"'));
    assert.ok(args.includes('-A'));
  });
  test('refuses hosts, users and sessions that could inject options or code', () => {
    assert.throws(() => attachCommand({ ...base, mode: 'tmux', host: '-oProxyCommand=touch /tmp/x' }), /invalid host/);
    assert.throws(() => attachCommand({ ...base, mode: 'tmux', session: 'x; rm -rf ~' }), /invalid tmux session/);
    assert.throws(() => attachCommand({ ...base, mode: 'tmux', user: 'root@evil' }), /invalid user/);
    assert.throws(() => attachCommand({ ...base, mode: 'tmux', port: 70000 }), /invalid port/);
  });
});

describe('quoting and tail command', () => {
  test('shellQuote', () => {
    assert.equal(shellQuote('/workspace/train.log'), '/workspace/train.log');
    assert.equal(shellQuote("a b'c$(x)"), `'a b'\\''c$(x)'`);
    assert.equal(shellQuote(''), "''");
  });
  test('tailCommand quotes the path and ends options', () => {
    assert.equal(tailCommand('/w/$(reboot).log'), "tail -n 200 -F -- '/w/$(reboot).log'");
  });
});

describe('ResumeFilter', () => {
  const run = () => {
    const out: string[] = [];
    let gaps = 0;
    const f = new ResumeFilter(
      (b) => out.push(b.toString()),
      () => gaps++,
      8,
    );
    return { f, out, gaps: () => gaps };
  };
  test('drops the repeated backlog after a resume', () => {
    const { f, out, gaps } = run();
    f.push(Buffer.from('line1\nline2\nline3\n'));
    f.resume();
    f.push(Buffer.from('line1\nline2\nli'));
    assert.ok(f.matching);
    f.push(Buffer.from('ne3\nline4\n'));
    assert.equal(out.join(''), 'line1\nline2\nline3\nline4\n');
    assert.equal(gaps(), 0);
  });
  test('reports a gap and passes everything when the overlap is gone (file replaced)', () => {
    const { f, out, gaps } = run();
    f.push(Buffer.from('old stuff\n'));
    f.resume();
    f.push(Buffer.from('fresh log\n'));
    f.giveUp();
    assert.equal(out.join(''), 'old stuff\nfresh log\n');
    assert.equal(gaps(), 1);
  });
  test('resume before any output passes straight through', () => {
    const { f, out } = run();
    f.resume();
    f.push(Buffer.from('x'));
    assert.equal(out.join(''), 'x');
  });
});

describe('backoff and auth', () => {
  test('jittered exponential delays stay within [base/2, base] and cap at maxMs', () => {
    assert.equal(
      backoffDelay(0, { initialMs: 100 }, () => 0),
      50,
    );
    assert.equal(
      backoffDelay(0, { initialMs: 100 }, () => 1),
      100,
    );
    assert.equal(
      backoffDelay(3, { initialMs: 100 }, () => 1),
      800,
    );
    assert.equal(
      backoffDelay(20, { initialMs: 100, maxMs: 1000 }, () => 0.5),
      750,
    );
  });
  test('an encrypted key file is skipped with a clear note; a missing explicit key is named', () => {
    const d = tmp();
    // An OpenSSH key encrypted with passphrase "pw" (generated by ssh-keygen for this test).
    const enc = path.join(d, 'id_enc');
    const r = spawnKeygen(enc, 'pw');
    assert.equal(r, 0);
    const auth = resolveAuth({ agentSocket: null, keyPaths: [enc, path.join(d, 'missing')] });
    assert.equal(auth.keys.length, 0);
    assert.match(
      auth.problems[0]!,
      /id_enc is encrypted: add it to ssh-agent \(ssh-add .*\) or configure its passphrase/,
    );
    assert.match(auth.problems[1]!, /missing: no such file/);
    assert.equal(resolveAuth({ agentSocket: null, keyPaths: [enc], passphrase: 'pw' }).keys.length, 1);
  });
});

function spawnKeygen(file: string, pass: string): number | null {
  return spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', pass, '-f', file]).status;
}
