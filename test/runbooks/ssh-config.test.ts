// `vastdeck ssh-config`: the managed block, its rewrite, and an entry that works with the SYSTEM ssh against a REAL
// sshd (test/helpers/sshd.ts) and, through the CLI, against a simulated instance whose account has the key.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BLOCK_END,
  BLOCK_START,
  hostEntries,
  renderBlock,
  withBlock,
  writeSshConfig,
} from '../../src/core/ssh/ssh-config.js';
import { makeInstance } from '../ui/fake-api.js';
import { startSshd, sshdSkipReason, type TestSshd } from '../helpers/sshd.js';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { homeEnv, runCli } from '../helpers/run-cli.js';
import { TEST_KEY, writeOwnKey } from '../helpers/ssh-key.js';
import { until } from '../live/helpers.js';

const USER_TEXT = 'Host mybox\n  HostName 10.0.0.9\n  User me\n\nHost *\n  ServerAliveInterval 60\n';

describe('the managed block', () => {
  test('new: put first; again: replaced in place; the rest kept byte for byte; broken markers refused', () => {
    const b1 = `${BLOCK_START}\nHost a\n${BLOCK_END}\n`;
    const t1 = withBlock(USER_TEXT, b1);
    assert.ok(t1.startsWith(b1) && t1.endsWith(USER_TEXT));
    const b2 = `${BLOCK_START}\nHost b\n  Port 2\n${BLOCK_END}\n`;
    const t2 = withBlock(t1, b2);
    assert.equal(t2, `${b2}\n${USER_TEXT}`);
    assert.equal(withBlock(t2, b2), t2, 'idempotent');
    assert.throws(
      () => withBlock(`${BLOCK_START}\nHost x\n`, b1, 'cfg'),
      /cfg: line 1 starts vastdeck's block but no end marker/,
    );
  });

  test('aliases from labels: unsafe characters replaced, repeats get -ID, unlabelled vast-ID, stopped ones left out', () => {
    const insts = [
      makeInstance(0, {
        id: 11,
        label: 'zeb large*main',
        status: 'running',
        sshHost: 'ssh5.vast.ai',
        sshPort: 1000,
        ports: {},
      }),
      makeInstance(1, { id: 12, label: 'dup', status: 'running', sshHost: 'h', sshPort: 1001, ports: {} }),
      makeInstance(2, { id: 13, label: 'dup', status: 'running', sshHost: 'h', sshPort: 1002, ports: {} }),
      makeInstance(3, { id: 14, label: null, status: 'running', sshHost: 'h', sshPort: 1003, ports: {} }),
      makeInstance(4, { id: 15, label: 'off', status: 'stopped', sshHost: 'h', sshPort: 1004, ports: {} }),
    ];
    assert.deepEqual(
      hostEntries(insts).map((e) => e.alias),
      ['dup-12', 'dup-13', 'vast-14', 'zeb-large-main'],
    );
  });
});

describe('an entry works with the system ssh against a real sshd', { skip: sshdSkipReason }, () => {
  let sshd: TestSshd;
  let tmp: string;
  before(async () => {
    sshd = await startSshd();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'vd-sshcfg-'));
  });
  after(async () => {
    await sshd?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('ssh -F CONFIG ALIAS runs a command on the host; the user part of the file is untouched', () => {
    const file = path.join(tmp, 'config');
    writeFileSync(file, USER_TEXT, { mode: 0o644 });
    const inst = makeInstance(0, {
      id: 77,
      label: 'zeb-large-main',
      status: 'running',
      sshHost: '127.0.0.1',
      sshPort: sshd.port,
      ports: {},
    });
    const known = path.join(tmp, 'known hosts'); // a space in a path must survive quoting
    writeSshConfig(file, renderBlock(hostEntries([inst]), { knownHostsFile: known, identityFiles: [sshd.clientKey] }));
    const text = readFileSync(file, 'utf8');
    assert.ok(text.endsWith(USER_TEXT));
    assert.equal(statSync(file).mode & 0o777, 0o644, 'mode kept');
    const r = spawnSync('ssh', ['-F', file, '-o', 'BatchMode=yes', 'zeb-large-main', 'echo from-$(hostname)-ok'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /-ok$/m);
    assert.match(
      readFileSync(known, 'utf8'),
      new RegExp(`\\[127\\.0\\.0\\.1\\]:${sshd.port}`),
      'host key stored in vastdeck known_hosts',
    );
  });
});

describe('vastdeck ssh-config against the simulator', () => {
  let sim: SimHandle;
  let dir: string;
  before(async () => {
    sim = await startSimulator({
      seed: 4,
      rateLimit: false,
      sshKeys: [TEST_KEY.public],
      scenario: {
        market: { size: 300 },
        fleet: [
          { label: 'zeb-large-main', gpu: 'RTX 4090', status: 'running', age: '1h' },
          { label: 'other-run', gpu: 'RTX 4090', status: 'running', age: '1h' },
        ],
      },
    });
    dir = mkdtempSync(path.join(os.tmpdir(), 'vd-sshcfg-cli-'));
    writeOwnKey(dir);
  });
  after(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('--fleet writes ~/.ssh/config (0600, created); `ssh zeb-large-main` reaches the simulated host', async () => {
    const r = await runCli(['ssh-config', '--fleet', 'zeb-', '--api-url', sim.url, '--api-key', sim.apiKey], {
      env: homeEnv(dir),
      stdin: null,
    });
    assert.equal(r.code, 0, r.err);
    const file = path.join(dir, '.ssh', 'config');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^Host zeb-large-main$/m);
    assert.doesNotMatch(text, /other-run/);
    assert.match(r.out, /created .*config: 1 host; try: ssh zeb-large-main/);
    const id = Number(/# Vast instance (\d+)/.exec(text)![1]);
    await until(() => (sim.hosts?.ports(id).length ?? 0) > 0, 'the host listening', 20_000);
    // Not spawnSync: the simulated host lives in this process and must keep answering.
    const s = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      execFile(
        'ssh',
        ['-F', file, '-o', 'BatchMode=yes', 'zeb-large-main', 'echo hi'],
        { timeout: 20_000 },
        (e, out, err) => resolve({ code: e ? ((e as { code?: number }).code ?? null) : 0, out, err }),
      );
    });
    assert.equal(s.code, 0, s.err);
    assert.equal(s.out.trim(), 'hi');
  });
});
