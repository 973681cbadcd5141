/**
 * The host watchdog end to end: a scoped key from the simulator, the watchdog armed over a REAL sshd (real bash,
 * curl, stat) talking to the simulator's API. While vastdeck's heartbeats come, nothing happens; when they stop,
 * the watchdog stops its own instance. Its key cannot touch any other instance, list the account or make keys.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { SshPool } from '../../src/core/ssh/index.js';
import {
  armWatchdog,
  heartbeat,
  watchdogPermissions,
  watchdogScript,
  type HostExec,
} from '../../src/core/lifecycle/watchdog.js';
import { startSshd, sshdSkipReason, type TestSshd } from '../helpers/sshd.js';
import { pause, waitFor } from '../helpers/wait.js';

describe('host watchdog', { skip: sshdSkipReason }, () => {
  let sim: SimHandle;
  let sshd: TestSshd;
  let pool: SshPool;
  let client: VastClient;
  let pid = 0;
  before(async () => {
    sim = await startSimulator({
      rateLimit: false,
      seed: 53,
      hosts: false,
      scenario: {
        market: { size: 300, traps: false },
        fleet: [
          { label: 'mine', gpu: 'RTX 4090' },
          { label: 'other', gpu: 'RTX 4090' },
        ],
      },
    });
    client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
    sshd = await startSshd();
    pool = new SshPool({
      knownHostsFile: path.join(sshd.dir, 'known_hosts_vd'),
      auth: { agentSocket: null, keyPaths: [sshd.clientKey] },
      readyTimeoutMs: 5000,
    });
  });
  after(async () => {
    if (pid) {
      try {
        process.kill(pid);
      } catch {
        // already exited after stopping its instance
      }
    }
    await pool?.close();
    await sshd?.stop();
    await sim?.close();
  });

  test('the scoped key acts on its own instance only', async () => {
    const [mine, other] = await client.listInstances();
    const { key } = await client.createApiKey('watchdog', watchdogPermissions(mine!.id));
    assert.notEqual(key, sim.apiKey);
    const scoped = new VastClient({ apiKey: key, baseUrl: sim.url });
    assert.equal((await scoped.showInstance(mine!.id)).id, mine!.id);
    await assert.rejects(scoped.stopInstance(other!.id), /403|not_authorized|may not act on instance/);
    await assert.rejects(scoped.destroyInstance(other!.id), /403|not_authorized|may not act on instance/);
    await assert.rejects(scoped.listInstances(), /403|not_authorized|lacks the permission/);
    await assert.rejects(
      scoped.createApiKey('escalate', { api: { instance_write: {} } }),
      /403|not_authorized|lacks the permission/,
    );
    assert.equal((await client.listInstances()).find((i) => i.id === other!.id)!.status, 'running');
  });

  test('armed over SSH: heartbeats keep it running; when they stop, the watchdog stops its own instance and no other', async () => {
    const [mine, other] = await client.listInstances();
    const { key } = await client.createApiKey('watchdog', watchdogPermissions(mine!.id));
    const exec: HostExec = (cmd) => pool.exec({ host: '127.0.0.1', port: sshd.port }, cmd, { timeoutMs: 10_000 });
    const dir = path.join(sshd.dir, 'wd');
    const maxAgeSec = 4;
    const spec = {
      apiUrl: sim.url,
      instanceId: mine!.id,
      maxRuntimeSec: null,
      heartbeatMaxAgeSec: maxAgeSec,
      everySec: 1,
      dir,
    };
    ({ pid } = await armWatchdog(exec, spec, key));
    assert.ok(!watchdogScript(spec).includes(key), 'the key lives in its file, not in the script');
    const watchdogLog = () => {
      try {
        return readFileSync(path.join(dir, 'watchdog.log'), 'utf8');
      } catch {
        return 'no log';
      }
    };
    // Heartbeats every half second for longer than the stale age: without them the watchdog would have stopped it.
    // (The pause is the subject here: time passing while heartbeats come.)
    const beatUntil = Date.now() + (maxAgeSec + 1) * 1000;
    while (Date.now() < beatUntil) {
      await pause(500);
      await heartbeat(exec, dir);
    }
    assert.equal((await client.showInstance(mine!.id)).status, 'running', `heartbeats kept it alive: ${watchdogLog()}`);
    await waitFor(async () => (await client.showInstance(mine!.id)).status === 'stopped', {
      what: `the watchdog to stop ${mine!.id}`,
      timeoutMs: 25_000,
      intervalMs: 250,
      detail: watchdogLog,
    });
    assert.equal((await client.showInstance(other!.id)).status, 'running');
    assert.match(readFileSync(path.join(dir, 'watchdog.log'), 'utf8'), /no heartbeat for \d+s: stop answered 200/);
  });
});
