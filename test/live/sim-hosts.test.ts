// The simulator's instances have real SSH endpoints: proxy and direct port, one job behind both, following
// the instance's lifecycle (stop kills the host, start resumes the same job), with stable host keys.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { sshEndpoint } from '../../src/core/vast/units.js';
import { seededHostKey } from '../../src/sim/hosts/keys.js';
import { barSteps, useLiveSim, until } from './helpers.js';

const live = useLiveSim({ pool: true });

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

describe('simulated instance hosts', () => {
  test('a running instance answers over SSH on its proxy and direct ports, with the same job behind both', async () => {
    const inst = live.byLabel.get('train')!;
    const direct = sshEndpoint(inst)!;
    assert.equal(direct.kind, 'direct');
    const proxy = { host: inst.sshHost!, port: inst.sshPort! };
    await until(async () => (await portOpen(direct.port)) && (await portOpen(proxy.port)), 'both ports listening');
    const a = await live.pool.exec({ host: direct.host, port: direct.port }, 'nvidia-smi -L');
    assert.match(a.stdout, /^GPU 0: NVIDIA RTX 4090/);
    const [viaDirect, viaProxy] = await Promise.all([
      live.pool.exec({ host: direct.host, port: direct.port }, 'tail -n 3 /workspace/train.log'),
      live.pool.exec(proxy, 'tail -n 3 /workspace/train.log'),
    ]);
    const d = Math.max(...barSteps(viaDirect.stdout));
    const p = Math.max(...barSteps(viaProxy.stdout));
    assert.ok(d > 10_000, `an hour in at 5 steps/s the job is past step 10,000 (got ${d})`);
    assert.ok(Math.abs(d - p) <= 10, `same job: ${d} vs ${p}`);
    // Both endpoints present one host key (one container's sshd), derived from the port so reruns match.
    const keys = live.pool.hostKeys;
    assert.ok(
      keys.knownTypes(direct.host, direct.port).length > 0 && keys.knownTypes(proxy.host, proxy.port).length > 0,
    );
    assert.equal(seededHostKey(String(inst.sshPort)), seededHostKey(String(inst.sshPort)));
  });

  test('following the log shows the step advancing', async () => {
    const inst = live.byLabel.get('train')!;
    const ep = sshEndpoint(inst)!;
    let text = '';
    const f = live.pool.follow({ host: ep.host, port: ep.port }, '/workspace/train.log', { lines: 5 });
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
    const inst = live.byLabel.get('train')!;
    const ep = sshEndpoint(inst)!;
    const target = { host: ep.host, port: ep.port };
    const before = Math.max(...barSteps((await live.pool.exec(target, 'tail -n 2 /workspace/train.log')).stdout));
    await live.client.stopInstance(inst.id);
    await until(async () => !(await portOpen(ep.port)), 'the port to close');
    await live.pool.drop(target);
    await live.client.startInstance(inst.id);
    live.sim.advance(60_000); // past the restart's load time
    await until(async () => (await live.client.showInstance(inst.id)).status === 'running', 'running again');
    const back = sshEndpoint(await live.client.showInstance(inst.id))!;
    await until(() => portOpen(back.port), 'the port to reopen');
    const after = Math.max(
      ...barSteps(
        (await live.pool.exec({ host: back.host, port: back.port }, 'tail -n 2 /workspace/train.log')).stdout,
      ),
    );
    assert.ok(after >= before, `resumed at ${after}, was ${before}`);
    assert.ok(after < before + 100_000, 'not restarted from a different run');
  });

  test('non-running instances have no host; request_logs serves the host job log', async () => {
    const off = live.byLabel.get('off')!;
    assert.equal(await portOpen(off.sshPort!), false);
    const text = await live.client.getLogs(live.byLabel.get('oom')!.id, { tail: 5 });
    assert.match(text, /torch\.OutOfMemoryError: CUDA out of memory/);
    assert.ok(!text.includes('\r'));
    assert.deepEqual(live.sim.hosts?.errors, []);
  });
});
