// The cockpit's account-key check and `:keys add` (src/ui/keys/account-keys.ts) against the simulator: a key that is
// not on the account is reported with the fix; :keys add registers it and attaches it to the running instance.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { accountKeys } from '../../src/ui/keys/account-keys.js';
import { TEST_KEY, writeTestKey } from '../helpers/ssh-key.js';
import { call } from '../sim/helpers.js';

let sim: SimHandle;
let dir: string;
before(async () => {
  sim = await startSimulator({
    seed: 8,
    rateLimit: false,
    hosts: false,
    scenario: { market: { size: 200 }, fleet: [{ label: 'w', gpu: 'RTX 4090', status: 'running', age: '1h' }] },
  });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vd-uikeys-'));
});
after(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

test('check says the key is missing and how to fix it; :keys add registers and attaches; then the check is quiet', async () => {
  const keyFile = writeTestKey(path.join(dir, 'id_ed25519'));
  const identity = () => ({
    auth: { agentSocket: null, keyPaths: [keyFile] },
    knownHostsFile: path.join(dir, 'kh'),
    identityFiles: [keyFile],
    generated: false,
  });
  const client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
  const keys = accountKeys(client, identity);
  assert.match(
    (await keys.check())!,
    new RegExp(`vastdeck's SSH key \\(${keyFile.replace(/[/.]/g, '\\$&')}\\) is not on your Vast account.*:keys add`),
  );
  const insts = await client.listInstances();
  const msg = await keys.add(insts);
  assert.match(msg, new RegExp(`^registered key \\d+; attached to ${insts[0]!.id}$`));
  assert.equal(await keys.check(), null);
  const onInstance = JSON.parse(
    (await call(sim, 'GET', `/api/v0/instances/${insts[0]!.id}/ssh/`)).json.ssh_keys,
  ) as Array<{ public_key: string }>;
  assert.ok(onInstance.some((k) => k.public_key.startsWith(TEST_KEY.public.split(' ').slice(0, 2).join(' '))));
  assert.match(await keys.add(insts), /already on the account/);
});

test('an API without the key routes (a fake) makes the check silent, never a crash', async () => {
  const keys = accountKeys({} as never, () => ({
    auth: { agentSocket: null, keyPaths: [path.join(dir, 'id_ed25519')] },
    knownHostsFile: '',
    identityFiles: [],
    generated: false,
  }));
  assert.equal(await keys.check(), null);
});
