/** Verification against the Hub stand-in through the real @huggingface/hub client (hubUrl option). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { listFiles } from '@huggingface/hub';
import { startHubStandIn, type HubStandIn } from '../../src/sim/hub/index.js';
import {
  HfStore,
  openStore,
  readHostCheckpoint,
  verifyCheckpoint,
  describeVerification,
  type HostCheckpoint,
} from '../../src/core/checkpoints/index.js';
import { buildRunDir, localExec } from './fixture.js';

const TOKEN = 'hf_standInToken0123456789abcdefXYZ';
const REPO = 'me/gpt2-run';

let hub: HubStandIn;
let tmp: string;
let runDir: string;
let host: HostCheckpoint;

/** Uploads the host's checkpoint-N to the stand-in as the Trainer's push would (trainer_state.json as real bytes). */
function upload(
  step: number,
  opts: { skip?: string[]; sizes?: Record<string, number>; prefix?: string; dir?: string } = {},
): void {
  const dir = path.join(runDir, `checkpoint-${step}`);
  const base = `${opts.prefix ? `${opts.prefix}/` : ''}${opts.dir ?? `checkpoint-${step}`}`;
  for (const f of [
    'config.json',
    'generation_config.json',
    'model.safetensors',
    'optimizer.pt',
    'rng_state.pth',
    'scheduler.pt',
    'trainer_state.json',
    'training_args.bin',
  ]) {
    if (opts.skip?.includes(f)) continue;
    const content =
      f === 'trainer_state.json'
        ? readFileSync(path.join(dir, f))
        : { size: opts.sizes?.[f] ?? statSize(path.join(dir, f)) };
    hub.putFile(REPO, `${base}/${f}`, content);
  }
}

function statSize(file: string): number {
  return readFileSync(file).length;
}

const store = (token: string | undefined = TOKEN, extra: { prefix?: string } = {}) =>
  new HfStore({ repo: REPO, token, tokenEnv: 'HF_TOKEN', hubUrl: hub.url, ...extra });

before(async () => {
  hub = await startHubStandIn({ token: TOKEN });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vd-hub-'));
  runDir = path.join(tmp, 'run');
  buildRunDir(runDir);
  host = (await readHostCheckpoint(localExec, runDir))!;
});
after(async () => {
  await hub.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('host reader over a local shell', () => {
  test('finds the newest checkpoint-N, its files with the fixture sizes and global_step', () => {
    assert.equal(host.step, 300);
    assert.equal(host.globalStep, 300);
    assert.equal(host.files.length, 8);
    const opt = host.files.find((f) => f.path === 'optimizer.pt')!;
    assert.deepEqual(
      [opt.size, opt.sha256, opt.blobId],
      [30040011, createHash('sha256').update(Buffer.alloc(30040011)).digest('hex'), null],
    );
    const state = host.files.find((f) => f.path === 'trainer_state.json')!;
    const bytes = readFileSync(path.join(runDir, 'checkpoint-300', 'trainer_state.json'));
    // Hashed on the host: sha256sum, and the git blob id for a small file (what `git hash-object` prints).
    assert.deepEqual(
      [state.size, state.sha256, state.blobId],
      [
        6029,
        createHash('sha256').update(bytes).digest('hex'),
        createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex'),
      ],
    );
  });
});

describe('Hub store through @huggingface/hub', () => {
  test('the stand-in answers the real client: tree listing with sizes', async () => {
    hub.deleteRepo(REPO);
    upload(300);
    const seen: Array<{ path: string; size: number }> = [];
    for await (const e of listFiles({
      repo: REPO,
      hubUrl: hub.url,
      recursive: true,
      credentials: { accessToken: TOKEN },
    }))
      if (e.type === 'file') seen.push({ path: e.path, size: e.size });
    assert.equal(seen.length, 8);
    assert.ok(seen.some((e) => e.path === 'checkpoint-300/model.safetensors' && e.size === 15002608));
    assert.ok(
      hub.requestLog.some((r) => r.method === 'GET' && r.path === `/api/models/${REPO}/tree/main` && r.status === 200),
    );
  });

  test('verified: every file hash on the host matches the LFS sha256 or blob id the tree listing gives', async () => {
    hub.deleteRepo(REPO);
    upload(200);
    upload(300);
    hub.requestLog.length = 0;
    const v = await verifyCheckpoint(host, store());
    assert.deepEqual(v, { state: 'verified', hostStep: 300, verifiedStep: 300 });
    assert.equal(describeVerification(v), 'verified at step 300');
    // Content ids come from the tree listing alone: nothing is downloaded.
    assert.ok(!hub.requestLog.some((r) => r.path.includes('/resolve/')));
  });

  test('verified across pages of the tree listing (Link header)', async () => {
    const paged = await startHubStandIn({ token: TOKEN, pageSize: 3 });
    try {
      const saved = hub;
      hub = paged;
      upload(300);
      hub = saved;
      const v = await verifyCheckpoint(host, new HfStore({ repo: REPO, token: TOKEN, hubUrl: paged.url }));
      assert.equal(v.state, 'verified');
      assert.ok(paged.requestLog.filter((r) => r.path.includes('/tree/')).length >= 3);
    } finally {
      await paged.close();
    }
  });

  test('behind: the store has step 200, the host 300', async () => {
    hub.deleteRepo(REPO);
    upload(100);
    upload(200);
    const v = await verifyCheckpoint(host, store());
    assert.deepEqual(v, { state: 'behind', hostStep: 300, verifiedStep: 200, behindBy: 100 });
    assert.match(describeVerification(v), /behind by 100 steps/);
  });

  test('incomplete upload: a missing file and a short file are named', async () => {
    hub.deleteRepo(REPO);
    upload(200);
    upload(300, { skip: ['optimizer.pt'], sizes: { 'model.safetensors': 8_388_608 } });
    const v = await verifyCheckpoint(host, store());
    assert.equal(v.state, 'incomplete');
    if (v.state !== 'incomplete') return;
    assert.deepEqual(v.missing, ['optimizer.pt']);
    assert.deepEqual(v.mismatched, [{ path: 'model.safetensors', host: 15002608, store: 8_388_608 }]);
    assert.equal(v.verifiedStep, 200);
    assert.match(
      describeVerification(v),
      new RegExp(
        [
          'incomplete upload of checkpoint-300: missing optimizer\\.pt; model\\.safetensors is 8388608 bytes in the ',
          'store, 15002608 on the host',
        ].join(''),
      ),
    );
  });

  test('not verified: the stored trainer_state.json has the host size but other bytes', async () => {
    hub.deleteRepo(REPO);
    upload(300);
    const older = readFileSync(path.join(runDir, 'checkpoint-200', 'trainer_state.json'));
    // Same size as the host's file, so only its content can tell.
    const padded = Buffer.concat([older, Buffer.alloc(6029 - older.length, 0x20)]);
    hub.putFile(REPO, 'checkpoint-300/trainer_state.json', padded);
    const v = await verifyCheckpoint(host, store());
    assert.equal(v.state, 'mismatch');
    if (v.state === 'mismatch') assert.deepEqual(v.differ, ['trainer_state.json']);
    assert.match(
      describeVerification(v),
      /checkpoint-300 in the store is not the host's: trainer_state\.json differs? from the host's/,
    );
  });

  test('not found: an empty repo, and a repo that does not exist', async () => {
    hub.deleteRepo(REPO);
    hub.createRepo(REPO);
    assert.deepEqual(await verifyCheckpoint(host, store()), { state: 'not-found', hostStep: 300, verifiedStep: null });
    hub.deleteRepo(REPO);
    assert.equal((await verifyCheckpoint(host, store())).state, 'not-found');
  });

  test('prefix and hub_strategy "checkpoint" (last-checkpoint/, step read from trainer_state.json)', async () => {
    hub.deleteRepo(REPO);
    upload(300, { prefix: 'runs/a', dir: 'last-checkpoint' });
    upload(100); // outside the prefix: ignored
    const v = await verifyCheckpoint(host, store(TOKEN, { prefix: 'runs/a' }));
    assert.deepEqual(v, { state: 'verified', hostStep: 300, verifiedStep: 300 });
  });

  test('bad token: unavailable, the message names the env var and never the token', async () => {
    hub.deleteRepo(REPO);
    upload(300);
    const wrong = 'hf_wrongToken99999999999999999999';
    const v = await verifyCheckpoint(host, store(wrong));
    assert.equal(v.state, 'unavailable');
    const text = describeVerification(v);
    assert.match(text, /rejected the token in \$HF_TOKEN \(401\)/);
    assert.ok(!text.includes(wrong) && !text.includes(TOKEN));
    const none = await verifyCheckpoint(host, new HfStore({ repo: REPO, tokenEnv: 'HF_TOKEN', hubUrl: hub.url }));
    assert.match(describeVerification(none), /needs a token: set \$HF_TOKEN/);
    const notHf = await verifyCheckpoint(host, store('not-a-hub-token-value'));
    assert.match(describeVerification(notHf), /does not hold a Hub token/);
    assert.ok(!describeVerification(notHf).includes('not-a-hub-token-value'));
  });

  test('openStore reads the token from the env var the profile names', async () => {
    hub.deleteRepo(REPO);
    upload(300);
    const opened = openStore(
      { kind: 'hf', repo: REPO, revision: 'main', prefix: '', tokenEnv: 'MY_HUB' },
      { env: { MY_HUB: TOKEN }, hubUrl: hub.url },
    );
    assert.deepEqual(opened.secrets, [TOKEN]);
    assert.equal((await verifyCheckpoint(host, opened.reader)).state, 'verified');
  });

  test('unreachable Hub: unavailable, not a crash', async () => {
    const dead = await startHubStandIn();
    const url = dead.url;
    await dead.close();
    const v = await verifyCheckpoint(host, new HfStore({ repo: REPO, token: TOKEN, hubUrl: url }));
    assert.equal(v.state, 'unavailable');
    assert.match(describeVerification(v), /cannot reach the Hugging Face Hub/);
  });
});
