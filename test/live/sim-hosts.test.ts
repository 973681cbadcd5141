// The simulator's instances have real SSH endpoints: proxy and direct port, one job behind both, following
// the instance's lifecycle (stop kills the host, start resumes the same job), with stable host keys.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import net from 'node:net';
import type { SshPool } from '../../src/core/ssh/index.js';
import { sshEndpoint } from '../../src/core/vast/units.js';
import type { VastClient } from '../../src/core/vast/client.js';
import type { Instance } from '../../src/core/vast/types.js';
import type { SimHandle } from '../../src/sim/index.js';
import { seededHostKey } from '../../src/sim/hosts/keys.js';
import { barSteps, liveSim, testPool, until } from './helpers.js';

let sim: SimHandle;
let client: VastClient;
let byLabel: Map<string, Instance>;
let pool: SshPool;
let dir: string;

before(async () => {
  ({ sim, client, byLabel } = await liveSim());
  ({ pool, dir } = testPool());
});
after(async () => {
  await pool.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

describe('simulated instance hosts', () => {
  test('a running instance answers over SSH on its proxy and direct ports, with the same job behind both', async () => {
    const inst = byLabel.get('train')!;
    const direct = sshEndpoint(inst)!;
    assert.equal(direct.kind, 'direct');
    const proxy = { host: inst.sshHost!, port: inst.sshPort! };
    await until(async () => (await portOpen(direct.port)) && (await portOpen(proxy.port)), 'both ports listening');
    const a = await pool.exec({ host: direct.host, port: direct.port }, 'nvidia-smi -L');
    assert.match(a.stdout, /^GPU 0: NVIDIA RTX 4090/);
    const [viaDirect, viaProxy] = await Promise.all([
      pool.exec({ host: direct.host, port: direct.port }, 'tail -n 3 /workspace/train.log'),
      pool.exec(proxy, 'tail -n 3 /workspace/train.log'),
    ]);
    const d = Math.max(...barSteps(viaDirect.stdout));
    const p = Math.max(...barSteps(viaProxy.stdout));
    assert.ok(d > 10_000, `an hour in at 5 steps/s the job is past step 10,000 (got ${d})`);
    assert.ok(Math.abs(d - p) <= 10, `same job: ${d} vs ${p}`);
    // Both endpoints present one host key (one container's sshd), derived from the port so reruns match.
    const keys = pool.hostKeys;
    assert.ok(keys.knownTypes(direct.host, direct.port).length > 0 && keys.knownTypes(proxy.host, proxy.port).length > 0);
    assert.equal(seededHostKey(String(inst.sshPort)), seededHostKey(String(inst.sshPort)));
  });

  test('following the log shows the step advancing', async () => {
    const inst = byLabel.get('train')!;
    const ep = sshEndpoint(inst)!;
    let text = '';
    const f = pool.follow({ host: ep.host, port: ep.port }, '/workspace/train.log', { lines: 5 });
    f.on('data', (d) => (text += d.toString('utf8')));
    try {
      await until(() => barSteps(text).length > 0, 'the backlog');
      const first = Math.max(...barSteps(text));
      await until(() => Math.max(...barSteps(text)) >= first + 3, 'the step to advance', 5000);
    } finally {
      f.stop();
    }
  });

  test('stop kills the host, start brings it back with the same job, resumed', async () => {
    const inst = byLabel.get('train')!;
    const ep = sshEndpoint(inst)!;
    const target = { host: ep.host, port: ep.port };
    const before = Math.max(...barSteps((await pool.exec(target, 'tail -n 2 /workspace/train.log')).stdout));
    await client.stopInstance(inst.id);
    await until(async () => !(await portOpen(ep.port)), 'the port to close');
    await pool.drop(target);
    await client.startInstance(inst.id);
    sim.advance(60_000); // past the restart's load time
    await until(async () => (await client.showInstance(inst.id)).status === 'running', 'running again');
    const back = sshEndpoint(await client.showInstance(inst.id))!;
    await until(() => portOpen(back.port), 'the port to reopen');
    const after = Math.max(...barSteps((await pool.exec({ host: back.host, port: back.port }, 'tail -n 2 /workspace/train.log')).stdout));
    assert.ok(after >= before, `resumed at ${after}, was ${before}`);
    assert.ok(after < before + 100_000, 'not restarted from a different run');
  });

  test('non-running instances have no host; request_logs serves the host job log', async () => {
    const off = byLabel.get('off')!;
    assert.equal(await portOpen(off.sshPort!), false);
    const text = await client.getLogs(byLabel.get('oom')!.id, { tail: 5 });
    assert.match(text, /torch\.OutOfMemoryError: CUDA out of memory/);
    assert.ok(!text.includes('\r'));
    assert.deepEqual(sim.hosts?.errors, []);
  });
});
