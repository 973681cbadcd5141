/** `vastdeck provision` and `vastdeck env` in-process against the simulator; stdout captured. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { readValueFromStdin } from '../../src/cli/commands/env.js';
import { PROFILES_YAML } from '../profiles/fixtures.js';
import { runCli, type CliRun } from '../helpers/run-cli.js';

const HF = 'hf_CLIsecretCLIsecret0123456789ab';
let sim: SimHandle;
let client: VastClient;
let dir: string;
let profiles: string;

before(async () => {
  sim = await startSimulator({
    seed: 5,
    rateLimit: false,
    scenario: { market: { size: 800 }, secrets: { WANDB_API_KEY: 'wandb-cli-value' } },
  });
  client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vd-cli-'));
  profiles = path.join(dir, 'profiles.yaml');
  writeFileSync(profiles, PROFILES_YAML);
});
after(async () => sim?.close());

/** Runs `provision` or `env` against the simulator, own state and config dirs, optional stdin. */
function cli(name: 'provision' | 'env', argv: string[], stdin?: string): Promise<CliRun> {
  return runCli([name, ...argv, '--api-url', sim.url, '--api-key', sim.apiKey], {
    env: {
      XDG_STATE_HOME: path.join(dir, 'state'),
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      HF_TOKEN: HF,
      MY_SECRET_SRC: 'value-abc-123',
      VAST_API_KEY: '',
    },
    stdin,
  });
}

test('provision --dry-run prints the exact request with env values masked and rents nothing', async () => {
  const r = await cli('provision', ['--profile', 'gpt2', '--profiles', profiles, '--best', '--dry-run']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /dry run: would rent offer \d+/);
  assert.match(r.out, /PUT \/api\/v0\/asks\/\d+\//);
  const body = JSON.parse(r.out.slice(r.out.indexOf('{')));
  assert.equal(body.env.HF_TOKEN, '*****');
  assert.equal(body.price, null);
  assert.match(body.label, /^mosaic-gpt2-\d+x\w+$/);
  assert.match(body.env.VASTDECK_NONCE, /^[a-z0-9]{8}$/);
  assert.equal((r.out + r.err).includes(HF), false);
  assert.equal((await client.listInstances()).length, 0);
});

test('interruptible without a bid is refused; --bid auto prices from min_bid', async () => {
  const r = await cli('provision', [
    '--profile',
    'gpt2',
    '--profiles',
    profiles,
    '--best',
    '--type',
    'interruptible',
    '--dry-run',
  ]);
  assert.equal(r.code, 2);
  assert.match(r.err, /interruptible needs a price: pass --bid PRICE/);
  const a = await cli('provision', [
    '--profile',
    'gpt2',
    '--profiles',
    profiles,
    '--best',
    '--bid',
    'auto',
    '--dry-run',
    '--json',
  ]);
  assert.equal(a.code, 0, a.err);
  const j = JSON.parse(a.out);
  assert.ok(j.request.body.price > 0);
});

test('provision --best --no-wait --json rents one instance and journals it in the state dir', async () => {
  const r = await cli('provision', ['--profile', 'gpt2', '--profiles', profiles, '--best', '--no-wait', '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.outcome, 'created');
  const mine = (await client.listInstances()).filter((i) => i.label === j.label);
  assert.deepEqual(
    mine.map((i) => i.id),
    [j.instanceId],
  );
  const journal = path.join(dir, 'state', 'vastdeck', 'journal.jsonl');
  assert.ok(existsSync(journal));
  const text = readFileSync(journal, 'utf8');
  assert.equal(text.includes(HF), false);
  assert.match(text, /"op":"provision.create","phase":"before"/);
  assert.match(text, /"op":"provision.create","phase":"after"/);
});

test('provision --offer-id of a taken offer is a clear one-line error', async () => {
  const offerIdTaken = 999_999_999;
  const r = await cli('provision', ['--profile', 'gpt2', '--profiles', profiles, '--offer-id', String(offerIdTaken)]);
  assert.equal(r.code, 1);
  assert.match(r.err, /^vastdeck: offer 999999999 is not available/);
  assert.equal(r.err.trim().split('\n').length, 1);
});

test('env set (from --from-env) creates then updates, list masks, rm removes; values never printed', async () => {
  let r = await cli('env', ['set', 'NEW_KEY', '--from-env', 'MY_SECRET_SRC']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.trim(), 'created NEW_KEY=*****');
  r = await cli('env', ['set', 'NEW_KEY', '--from-env', 'MY_SECRET_SRC']);
  assert.equal(r.out.trim(), 'updated NEW_KEY=*****');
  r = await cli('env', ['list']);
  assert.match(r.out, /^NEW_KEY=\*\*\*\*\*$/m);
  assert.match(r.out, /^WANDB_API_KEY=\*\*\*\*\*$/m);
  assert.equal(r.out.includes('value-abc-123') || r.out.includes('wandb-cli-value'), false);
  assert.equal((await client.listEnvVars()).NEW_KEY, 'value-abc-123');
  r = await cli('env', ['rm', 'NEW_KEY']);
  assert.equal(r.out.trim(), 'removed NEW_KEY');
  assert.equal('NEW_KEY' in (await client.listEnvVars()), false);
  r = await cli('env', ['set', 'PIPED'], 'piped-value-9\n');
  assert.equal(r.out.trim(), 'created PIPED=*****', r.err);
  assert.equal((await client.listEnvVars()).PIPED, 'piped-value-9');
  r = await cli('env', ['set', 'K', 'inline-value']);
  assert.equal(r.code, 2);
  assert.match(r.err, /never from the command line/);
});

test('a value piped on stdin is read whole, without its trailing newline', async () => {
  const s = new PassThrough();
  s.end('tok-en.value_1\n');
  assert.equal(await readValueFromStdin(s as unknown as NodeJS.ReadStream), 'tok-en.value_1');
});
