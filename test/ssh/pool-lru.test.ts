// SshPool's maxConnections: past the cap, opening a connection closes the least recently used idle one (not one a
// log follow or a running command uses, not one still handshaking). Real connections to simulated hosts on 127.0.0.1.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'ssh2';
import { makeServices } from '../../src/core/services/services.js';
import { SshPool, SshTimeoutError } from '../../src/core/ssh/index.js';
import { generateKeyPair, startSimHost, type SimHost } from '../../src/sim/hosts/index.js';
import { pause, waitFor } from '../helpers/wait.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-pool-lru-'));
const pair = generateKeyPair();
const keyFile = path.join(dir, 'id_ed25519');
writeFileSync(keyFile, pair.private, { mode: 0o600 });
const hosts: SimHost[] = [];
const pools: SshPool[] = [];

function newPool(maxConnections?: number): SshPool {
  const pool = new SshPool({
    knownHostsFile: path.join(dir, 'known_hosts'),
    auth: { agentSocket: null, keyPaths: [keyFile] },
    sshConfigFile: null,
    backoff: { initialMs: 50, maxMs: 200 },
    readyTimeoutMs: 5000,
    ...(maxConnections === undefined ? {} : { maxConnections }),
  });
  pools.push(pool);
  return pool;
}
async function newHosts(n: number): Promise<SimHost[]> {
  const hs = await Promise.all(
    Array.from({ length: n }, () => startSimHost({ scenario: {}, authorizedKeys: [pair.public] })),
  );
  hosts.push(...hs);
  return hs;
}
const at = (h: SimHost) => ({ host: '127.0.0.1', port: h.port });
/** Watches a client: `closed` turns true when it closes. */
function watch(client: Client): { client: Client; closed: boolean } {
  const w = { client, closed: false };
  client.once('close', () => (w.closed = true));
  return w;
}
/** Opens (or reuses) the pool's connection to h, which marks it used, and watches it. */
async function use(pool: SshPool, h: SimHost) {
  return watch(await pool.connection(at(h)));
}
/** Time for a close that should not happen to show up (the assertions below are about it not happening). */
const SETTLE_MS = 300;

describe('SshPool maxConnections', () => {
  after(async () => {
    for (const p of pools) await p.close();
    for (const h of hosts) await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('with a cap of 2, using a third host closes the first host’s connection; the host still works after', async () => {
    const pool = newPool(2);
    const [a, b, c] = await newHosts(3);
    const wa = await use(pool, a!);
    const wb = await use(pool, b!);
    assert.equal((await pool.exec(at(c!), 'echo hi')).stdout, 'hi\n');
    await waitFor(() => wa.closed, { what: "the first host's connection to close" });
    await pause(SETTLE_MS);
    assert.equal(wb.closed, false, 'the second host keeps its connection');
    assert.equal(await pool.connection(at(b!)), wb.client, 'and the pool still hands it out');
    const again = await pool.connection(at(a!));
    assert.notEqual(again, wa.client, 'the first host gets a new connection');
    assert.equal((await pool.exec(at(a!), 'echo back')).stdout, 'back\n');
  });

  test('a host used recently survives: the least recently used one is closed instead', async () => {
    const pool = newPool(2);
    const [a, b, c] = await newHosts(3);
    const wa = await use(pool, a!);
    const wb = await use(pool, b!);
    await pool.exec(at(a!), 'true'); // a is now the most recently used
    const wc = await use(pool, c!);
    await waitFor(() => wb.closed, { what: "the least recently used host's connection to close" });
    await pause(SETTLE_MS);
    assert.equal(wa.closed, false, 'the recently used host survives');
    assert.equal(wc.closed, false);
    assert.equal(await pool.connection(at(a!)), wa.client);
  });

  test('a followed host is never evicted, however long ago it was used; once the follow ends it can be', async () => {
    const pool = newPool(2);
    const [a, b, c, d, e] = await newHosts(5);
    const f = pool.follow(at(a!), '/workspace/train.log');
    let interrupted = 0;
    f.on('interrupted', () => interrupted++);
    await waitFor(() => f.state === 'following', { what: 'the follow to start' });
    const wa = await use(pool, a!); // the follow's connection
    const wb = await use(pool, b!);
    const wc = await use(pool, c!); // over the cap: a is the oldest but followed, so b goes
    await waitFor(() => wb.closed, { what: "b's connection to close" });
    const wd = await use(pool, d!); // c goes
    await waitFor(() => wc.closed, { what: "c's connection to close" });
    await pause(SETTLE_MS);
    assert.equal(wa.closed, false, 'the followed host keeps its connection');
    assert.equal(f.state, 'following');
    assert.equal(interrupted, 0);
    const ended = new Promise((r) => f.once('end', r));
    f.stop();
    await ended;
    await use(pool, e!); // a is the least recently used and no longer followed
    await waitFor(() => wa.closed, { what: "a's connection to close once unfollowed" });
    await pause(SETTLE_MS);
    assert.equal(wd.closed, false);
  });

  test('a connection running a command is not closed under it', async () => {
    const pool = newPool(2);
    const [a, b, c, d] = await newHosts(4);
    const wa = await use(pool, a!);
    // A command that runs until its deadline, on the host that will be the least recently used.
    const running = pool.exec(at(a!), 'tail -n 1 -F -- /workspace/train.log', { timeoutMs: 1500 }).catch((e) => e);
    const wb = await use(pool, b!);
    await use(pool, c!); // over the cap: a is the oldest but busy, so b goes
    await waitFor(() => wb.closed, { what: "b's connection to close" });
    assert.ok((await running) instanceof SshTimeoutError, 'the command ran to its own deadline');
    assert.equal(wa.closed, false, 'the busy host kept its connection');
    await use(pool, d!); // a is idle now and the least recently used
    await waitFor(() => wa.closed, { what: "a's connection to close once idle" });
  });

  test('connections still handshaking are never closed: the pool goes over the cap, then back to it', async () => {
    const pool = newPool(1);
    const [a, b, c, d] = await newHosts(4);
    const [wa, wb, wc] = (await Promise.all([a, b, c].map((h) => pool.connection(at(h!))))).map(watch);
    for (const h of [a, b, c]) assert.equal((await pool.exec(at(h!), 'echo ok')).stdout, 'ok\n');
    await pause(SETTLE_MS);
    assert.deepEqual([wa!.closed, wb!.closed, wc!.closed], [false, false, false], 'three open with a cap of 1');
    const wd = await use(pool, d!);
    await waitFor(() => wa!.closed && wb!.closed && wc!.closed, { what: 'the three idle connections to close' });
    await pause(SETTLE_MS);
    assert.equal(wd.closed, false);
  });

  test('without maxConnections every connection stays open', async () => {
    const pool = newPool();
    const ws = await Promise.all((await newHosts(3)).map((h) => use(pool, h)));
    await pause(SETTLE_MS);
    assert.deepEqual(
      ws.map((w) => w.closed),
      [false, false, false],
    );
  });

  test('the TUI’s interactive pool is capped at 100 connections; the others are unlimited', async () => {
    const s = await makeServices({
      stateDir: dir,
      identity: () => ({
        auth: { agentSocket: null, keyPaths: [keyFile] },
        knownHostsFile: path.join(dir, 'known_hosts'),
        identityFiles: [],
        generated: false,
      }),
    }).load(['ssh']);
    try {
      assert.equal(s.ssh('interactive').maxConnections, 100);
      for (const name of ['default', 'headless', 'provisionBoot'] as const)
        assert.equal(s.ssh(name).maxConnections, Infinity, name);
    } finally {
      await s.close();
    }
  });
});
