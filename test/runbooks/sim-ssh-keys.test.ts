/**
 * Vast's SSH key rule in the simulator: a host accepts the account's keys as they were when the instance was
 * created, plus keys attached to that instance later; a key added to the account afterwards does not reach it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SshPool, SshAuthError } from '../../src/core/ssh/index.js';
import { generateKeyPair } from '../../src/sim/hosts/index.js';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { call, rentOne } from '../sim/helpers.js';
import { until } from '../live/helpers.js';
import { TEST_KEY } from '../helpers/ssh-key.js';

let sim: SimHandle;
let dir: string;
const pools: SshPool[] = [];

before(async () => {
  sim = await startSimulator({
    seed: 5,
    rateLimit: false,
    sshKeys: [TEST_KEY.public],
    scenario: {
      market: { size: 300 },
      lifecycle: { provisionSec: 0, loadSec: [0, 0] },
      fleet: [{ label: 'old', gpu: 'RTX 4090', status: 'running', age: '1h' }],
    },
  });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vd-simkeys-'));
});
after(async () => {
  for (const p of pools) await p.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

function poolWith(privateKey: string, name: string): SshPool {
  const keyFile = path.join(dir, name);
  writeFileSync(keyFile, privateKey, { mode: 0o600 });
  const pool = new SshPool({
    knownHostsFile: path.join(dir, 'known_hosts'),
    auth: { agentSocket: null, keyPaths: [keyFile] },
    readyTimeoutMs: 3000,
    backoff: { maxAttempts: 1 },
  });
  pools.push(pool);
  return pool;
}

async function endpoint(id: number): Promise<{ host: string; port: number }> {
  let row: any;
  await until(
    async () => {
      row = (await call(sim, 'GET', `/api/v0/instances/${id}/`)).json.instances;
      return row?.actual_status === 'running' && (sim.hosts?.ports(id).length ?? 0) > 0;
    },
    `instance ${id} running with a host`,
    20_000,
  );
  return { host: row.ssh_host, port: row.ssh_port };
}

test('account keys: GET is a bare array, POST returns the key, bad input is a 400 naming the field', async () => {
  const list = await call(sim, 'GET', '/api/v0/ssh/');
  assert.equal(list.status, 200);
  assert.ok(Array.isArray(list.json));
  assert.equal(list.json.length, 1);
  assert.equal(list.json[0].key, TEST_KEY.public);
  const bad = await call(sim, 'POST', '/api/v0/ssh/', { ssh_key: '-----BEGIN OPENSSH PRIVATE KEY-----' });
  assert.equal(bad.status, 400);
  assert.match(bad.json.msg, /private/);
  const dup = await call(sim, 'POST', '/api/v0/ssh/', { ssh_key: TEST_KEY.public + ' me@laptop' });
  assert.equal(dup.status, 400);
});

test('the rule: created-with keys work, a later account key only on new instances or once attached', async () => {
  const old = (await call(sim, 'GET', '/api/v0/instances/')).json.instances.find((r: any) => r.label === 'old');
  const oldEp = await endpoint(old.id);
  const a = poolWith(TEST_KEY.private, 'a');
  assert.equal((await a.exec(oldEp, 'echo hi')).stdout.trim(), 'hi');

  const other = generateKeyPair();
  const b = poolWith(other.private, 'b');
  await assert.rejects(b.exec(oldEp, 'echo hi'), (e: unknown) => e instanceof SshAuthError);

  const added = await call(sim, 'POST', '/api/v0/ssh/', { ssh_key: other.public });
  assert.equal(added.status, 200, added.text);
  assert.equal(added.json.success, true);
  assert.ok(added.json.key.id > 0);
  // The account has it now, but the old instance was created without it.
  const b2 = poolWith(other.private, 'b2');
  await assert.rejects(b2.exec(oldEp, 'echo hi'), (e: unknown) => e instanceof SshAuthError);

  // A new rental gets the account's keys as they are now: both.
  const { id } = await rentOne(sim, { label: 'new' });
  const newEp = await endpoint(id);
  assert.equal((await poolWith(other.private, 'b3').exec(newEp, 'echo new')).stdout.trim(), 'new');
  assert.equal((await a.exec(newEp, 'echo new')).stdout.trim(), 'new');

  // Attached to the old running instance: works at once, no restart.
  const att = await call(sim, 'POST', `/api/v0/instances/${old.id}/ssh/`, { ssh_key: other.public });
  assert.equal(att.status, 200, att.text);
  assert.equal((await poolWith(other.private, 'b4').exec(oldEp, 'echo attached')).stdout.trim(), 'attached');

  // Deleting the account key takes nothing away from instances that have it.
  assert.equal((await call(sim, 'DELETE', `/api/v0/ssh/${added.json.key.id}/`)).status, 200);
  assert.equal((await poolWith(other.private, 'b5').exec(newEp, 'echo still')).stdout.trim(), 'still');
});
