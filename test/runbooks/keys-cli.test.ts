/**
 * A new user's first connection, as on Vast: the account has no SSH key, so the host of a running instance refuses
 * vastdeck's key and vastdeck says exactly why and what to run; `keys add` registers the key and attaches it to the
 * running instance, after which the same command works. Child processes of the CLI, fresh HOME (vastdeck's own key).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { homeEnv, runCli, type CliRun } from '../helpers/run-cli.js';
import { call } from '../sim/helpers.js';
import { until } from '../live/helpers.js';

let sim: SimHandle;
let dir: string;
let id: number;

before(async () => {
  sim = await startSimulator({
    seed: 3,
    rateLimit: false,
    scenario: {
      market: { size: 300 },
      fleet: [{ label: 'first-run', gpu: 'RTX 4090', status: 'running', age: '1h', host: { totalSteps: 100_000 } }],
    },
  });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vd-keys-'));
  id = (await call(sim, 'GET', '/api/v0/instances/')).json.instances[0].id;
  await until(() => (sim.hosts?.ports(id).length ?? 0) > 0, 'the host listening', 20_000);
});
after(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (argv: string[]): Promise<CliRun> =>
  runCli([...argv, '--api-url', sim.url, '--api-key', sim.apiKey], { env: homeEnv(dir), stdin: null });

test('refused key: the message says Vast’s rule and the command; keys add registers and attaches; then it works', async () => {
  const refused = await cli(['triage', String(id), '--json']);
  assert.match(refused.err + refused.out, /authentication failed/);
  assert.match(
    refused.err + refused.out,
    /Vast hosts accept only the SSH keys your account had when the instance was created, plus keys attached to it/,
  );
  assert.match(refused.err + refused.out, /vastdeck keys add.*vastdeck keys attach/);
  // The first-use check said it before connecting (no terminal: one line, no prompt).
  assert.match(
    refused.err,
    new RegExp(
      [
        "vastdeck's SSH key \\(.*id_ed25519\\) is not on your Vast account, so Vast hosts will refuse it: run ",
        '`vastdeck keys add`',
      ].join(''),
    ),
  );

  const list = await cli(['keys', 'list']);
  assert.equal(list.code, 0, list.err);
  assert.match(list.out, /no SSH keys on the account/);
  assert.match(list.out, /vastdeck's key \(.*id_ed25519\) is not on the account.*vastdeck keys add/);

  const add = await cli(['keys', 'add', '--json']);
  assert.equal(add.code, 0, add.err);
  const res = JSON.parse(add.out) as { id: number; added: boolean; attached: number[] };
  assert.equal(res.added, true);
  assert.deepEqual(res.attached, [id]);
  const pub = readFileSync(path.join(dir, 'state', 'vastdeck', 'id_ed25519.pub'), 'utf8').trim();
  const onAccount = (await call(sim, 'GET', '/api/v0/ssh/')).json as Array<{ key: string }>;
  assert.deepEqual(
    onAccount.map((k) => k.key.split(' ').slice(0, 2).join(' ')),
    [pub.split(' ').slice(0, 2).join(' ')],
  );

  const ok = await cli(['triage', String(id), '--json']);
  assert.equal(ok.code, 0, ok.err);
  assert.doesNotMatch(ok.err, /authentication failed|not on your Vast account/);
  assert.ok(existsSync(path.join(dir, 'state', 'vastdeck', 'ssh-key-on-account')), 'checked once, remembered');
  assert.ok(JSON.parse(ok.out).step > 0, ok.out);

  const again = await cli(['keys', 'attach', String(id)]);
  assert.equal(again.code, 0, again.err);
  assert.match(again.out, new RegExp(`already accepted by: ${id}`));
  const list2 = await cli(['keys', 'list']);
  assert.match(list2.out, /← vastdeck uses this/);
});

test('bad input: a private key, an unknown subcommand, a non-running instance: one line each', async () => {
  const privFile = path.join(dir, 'state', 'vastdeck', 'id_ed25519');
  const priv = await cli(['keys', 'add', privFile]);
  assert.equal(priv.code, 2);
  assert.match(priv.err, /^vastdeck: keys add: that is a private key/);
  const bad = await cli(['keys', 'remove']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown subcommand "remove"/);
  const none = await cli(['keys', 'attach', '999']);
  assert.equal(none.code, 1);
  assert.match(none.err, /instance 999 is not in your account/);
});
