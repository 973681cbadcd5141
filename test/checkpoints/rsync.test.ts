/** The rsync store over a REAL OpenSSH sshd on 127.0.0.1, and the command store. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  rmSync,
  truncateSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { clearHashCache, hashStats } from '../../src/core/checkpoints/hash.js';
import os from 'node:os';
import path from 'node:path';
import { startSshd, sshdSkipReason, freePort, type TestSshd } from '../helpers/sshd.js';
import {
  CommandStore,
  RsyncStore,
  describeVerification,
  parseStepOutput,
  readHostCheckpoint,
  rsyncArgv,
  verifyCheckpoint,
  StoreError,
  type HostCheckpoint,
} from '../../src/core/checkpoints/index.js';
import { buildRunDir, localExec } from './fixture.js';

let tmp: string;
let runDir: string;
let host: HostCheckpoint;

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vd-rsync-'));
  runDir = path.join(tmp, 'run');
  buildRunDir(runDir);
  host = (await readHostCheckpoint(localExec, runDir))!;
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('rsyncArgv: archive, partial, one --exclude per pattern, quoted ssh options, sources as given', () => {
  const argv = rsyncArgv(
    '/w/run/checkpoint-300/',
    'me@login:/ck dir/checkpoint-300/',
    ['optimizer.pt', '*.tmp'],
    ['-p', '2222', '-i', '/k/id ed'],
  );
  assert.deepEqual(argv, [
    '-a',
    '--partial',
    '--exclude=optimizer.pt',
    '--exclude=*.tmp',
    '-e',
    "ssh -o BatchMode=yes -p 2222 -i '/k/id ed'",
    '/w/run/checkpoint-300/',
    'me@login:/ck dir/checkpoint-300/',
  ]);
});

describe('rsync store over a real sshd', { skip: sshdSkipReason }, () => {
  let sshd: TestSshd;
  let ssh: string[];
  before(async () => {
    sshd = await startSshd();
    ssh = [
      '-p',
      String(sshd.port),
      '-i',
      sshd.clientKey,
      '-o',
      'StrictHostKeyChecking=accept-new',
      '-o',
      `UserKnownHostsFile=${path.join(sshd.dir, 'known_hosts')}`,
    ];
  });
  after(async () => sshd?.stop());

  test('push with excludes, then verified by listing the destination with ssh find', async () => {
    const dest = path.join(tmp, 'login-store');
    const store = new RsyncStore({ host: 'root@127.0.0.1', path: dest, exclude: ['optimizer.pt'], sshArgs: ssh });
    await store.upload({ dir: host.dir }, 300);
    assert.ok(existsSync(path.join(dest, 'checkpoint-300', 'model.safetensors')));
    assert.ok(!existsSync(path.join(dest, 'checkpoint-300', 'optimizer.pt')), 'excluded file was copied');
    const listed = await store.list();
    assert.equal(listed.length, 1);
    assert.deepEqual(
      listed[0]!.files!.find((f) => f.path === 'model.safetensors'),
      { path: 'model.safetensors', size: 15002608 },
    );
    assert.deepEqual(await verifyCheckpoint(host, store, { exclude: ['optimizer.pt'] }), {
      state: 'verified',
      hostStep: 300,
      verifiedStep: 300,
    });
    // Without the exclude the missing optimizer is an incomplete upload, named.
    const v = await verifyCheckpoint(host, store);
    assert.equal(v.state, 'incomplete');
    if (v.state === 'incomplete') assert.deepEqual(v.missing, ['optimizer.pt']);
    // A file cut short in the store (an interrupted copy) is a size mismatch.
    truncateSync(path.join(dest, 'checkpoint-300', 'model.safetensors'), 1000);
    const cut = await verifyCheckpoint(host, store, { exclude: ['optimizer.pt'] });
    assert.match(describeVerification(cut), /model\.safetensors is 1000 bytes in the store, 15002608 on the host/);
  });

  test('pull from the GPU host (the sshd) into a local store: behind by 100 with only step 200 copied', async () => {
    const dest = path.join(tmp, 'local-store');
    const store = new RsyncStore({ host: 'local', path: dest });
    await store.upload({ host: 'root@127.0.0.1', dir: path.join(runDir, 'checkpoint-200'), sshArgs: ssh }, 200);
    assert.deepEqual(await verifyCheckpoint(host, store), {
      state: 'behind',
      hostStep: 300,
      verifiedStep: 200,
      behindBy: 100,
    });
    await store.upload({ host: 'root@127.0.0.1', dir: host.dir, sshArgs: ssh }, 300);
    assert.equal((await verifyCheckpoint(host, store)).state, 'verified');
  });

  test('a store another run wrote (same names and sizes, other bytes) never verifies, and names that run', async () => {
    const dest = path.join(tmp, 'shared-store');
    const store = new RsyncStore({ host: 'root@127.0.0.1', path: dest, sshArgs: ssh });
    await store.upload({ dir: host.dir }, 300);
    assert.equal((await verifyCheckpoint(host, store)).state, 'verified');
    // Another run of the same model writes its checkpoint-300 over it: same files, same sizes, its own bytes.
    const fd = openSync(path.join(dest, 'checkpoint-300', 'model.safetensors'), 'r+');
    writeSync(fd, Buffer.from('weights of run r-other'), 0, 22, 4096);
    closeSync(fd);
    writeFileSync(path.join(dest, 'checkpoint-300', '.vastdeck-run'), 'r-other\n');
    const listed = (await store.list()).find((c) => c.step === 300)!;
    assert.equal(
      listed.files!.find((f) => f.path === 'model.safetensors')!.size,
      15002608,
      'same size as the host file',
    );
    const v = await verifyCheckpoint(host, store, { runId: 'r-mine' });
    assert.equal(v.state, 'mismatch');
    if (v.state === 'mismatch') assert.deepEqual([v.differ, v.uploadedBy], [['model.safetensors'], 'r-other']);
    assert.match(
      describeVerification(v),
      /checkpoint-300 in the store was uploaded by run r-other, not this run \(r-mine\): model\.safetensors differ/,
    );
  });

  test('hashes on the host are cached by path, size and mtime: a second check sends no hashing command', async () => {
    clearHashCache();
    const before = hashStats.commands;
    const exec: typeof localExec = (cmd) => localExec(cmd);
    const first = await readHostCheckpoint(exec, runDir, { hostKey: 'cache-test' });
    assert.equal(hashStats.commands, before + 1);
    const t0 = performance.now();
    const again = await readHostCheckpoint(exec, runDir, { hostKey: 'cache-test' });
    const ms = performance.now() - t0;
    assert.equal(hashStats.commands, before + 1, 'the second read hashed again');
    assert.deepEqual(again!.files, first!.files);
    // A file rewritten in place (new mtime) is hashed again.
    utimesSync(path.join(host.dir, 'config.json'), new Date(), new Date(Date.now() + 5000));
    const third = await readHostCheckpoint(exec, runDir, { hostKey: 'cache-test' });
    assert.equal(hashStats.commands, before + 2);
    assert.equal(third!.files.length, 8);
    console.log(`hash cache: second check of checkpoint-300 (45 MB) took ${ms.toFixed(0)} ms with no hashing command`);
  });

  test('remote to remote is refused with a clear message', async () => {
    const store = new RsyncStore({ host: 'root@127.0.0.1', path: path.join(tmp, 'x'), sshArgs: ssh });
    await assert.rejects(
      store.upload({ host: 'root@gpu', dir: '/workspace/run/checkpoint-300' }, 300),
      (e: unknown) => e instanceof StoreError && e.kind === 'config',
    );
  });

  test('an absent destination path is an empty store: not found', async () => {
    const store = new RsyncStore({ host: 'root@127.0.0.1', path: path.join(tmp, 'never-made'), sshArgs: ssh });
    assert.equal((await verifyCheckpoint(host, store)).state, 'not-found');
  });

  test('an unreachable store host is unavailable', async () => {
    const port = await freePort();
    const store = new RsyncStore({
      host: 'root@127.0.0.1',
      path: '/tmp',
      sshArgs: ['-p', String(port), '-o', 'ConnectTimeout=3'],
    });
    const v = await verifyCheckpoint(host, store);
    assert.equal(v.state, 'unavailable');
    assert.match(describeVerification(v), /cannot ssh to root@127\.0\.0\.1/);
  });
});

describe('command store', () => {
  test('parseStepOutput: last line a whole number, none, or bad', () => {
    assert.equal(parseStepOutput('checking…\n300\n'), 300);
    assert.equal(parseStepOutput(''), null);
    assert.equal(parseStepOutput('none\n'), null);
    assert.equal(parseStepOutput('step 300'), 'bad');
  });

  test('verified only by the hashes the command prints; a step alone is unverifiable', async () => {
    // The user's command hashes what its bucket holds; here the bucket is a copy of the run dir.
    const hashes = (n: number) =>
      new CommandStore({ cmd: `cd '${runDir}' && sha256sum checkpoint-${n}/* && echo ${n}` });
    assert.deepEqual(await verifyCheckpoint(host, hashes(300)), {
      state: 'verified',
      hostStep: 300,
      verifiedStep: 300,
    });
    assert.deepEqual(await verifyCheckpoint(host, hashes(200)), {
      state: 'behind',
      hostStep: 300,
      verifiedStep: 200,
      behindBy: 100,
    });
    const stepOnly = await verifyCheckpoint(host, new CommandStore({ cmd: 'echo looking >&2; echo 300' }));
    assert.equal(stepOnly.state, 'unverifiable');
    assert.match(describeVerification(stepOnly), /unverifiable: command reports checkpoint-300 without file hashes/);
    assert.equal((await verifyCheckpoint(host, new CommandStore({ cmd: 'echo none' }))).state, 'not-found');
    // Hashes of other bytes (another run's upload) never verify, and the run it names is reported.
    const other = await verifyCheckpoint(
      host,
      new CommandStore({
        cmd: `cd '${runDir}' && sha256sum checkpoint-300/* | sed 's/^[0-9a-f]/f/' && echo run: r-other && echo 300`,
      }),
      { runId: 'r-mine' },
    );
    assert.equal(other.state, 'mismatch');
    assert.match(
      describeVerification(other),
      /checkpoint-300 in the store was uploaded by run r-other, not this run \(r-mine\)/,
    );
  });

  test('the command gets its env and a failing command is unavailable with its stderr', async () => {
    const store = new CommandStore({
      cmd: `cd '${runDir}' && sha256sum checkpoint-$VASTDECK_HOST_STEP/* && echo $VASTDECK_HOST_STEP`,
      env: { VASTDECK_HOST_STEP: '300' },
    });
    assert.equal((await verifyCheckpoint(host, store)).state, 'verified');
    const v = await verifyCheckpoint(host, new CommandStore({ cmd: 'echo "bucket not reachable" >&2; exit 4' }));
    assert.equal(v.state, 'unavailable');
    assert.match(describeVerification(v), /exited 4: bucket not reachable/);
    const bad = await verifyCheckpoint(host, new CommandStore({ cmd: 'echo latest is 300' }));
    assert.match(describeVerification(bad), /whole number on its last line/);
  });
});
