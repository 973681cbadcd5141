// vastdeck triage / attach / ssh in child processes against a simulator, with a fresh HOME and state
// dir (no ~/.ssh, no agent): vastdeck's own key is used (written by useLiveSim, registered on the simulated account).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useLiveSim } from './helpers.js';
import { homeEnv, runCli, type CliRun } from '../helpers/run-cli.js';

const live = useLiveSim();

function cli(name: string, argv: string[], killAfterMs?: number): Promise<CliRun> {
  return runCli([name, ...argv, '--api-url', live.sim.url, '--api-key', live.sim.apiKey], {
    env: homeEnv(live.dir),
    stdin: null,
    interrupt: killAfterMs ? { afterMs: killAfterMs } : undefined,
  });
}
const id = (label: string) => String(live.byLabel.get(label)!.id);

describe('vastdeck triage', () => {
  test('--json on a crashed instance: state, step, OOM traceback, GPU, RAM, disk', async () => {
    const r = await cli('triage', [id('oom'), '--json']);
    assert.equal(r.code, 0, r.err);
    const b = JSON.parse(r.out);
    assert.equal(b.instanceId, Number(id('oom')));
    assert.equal(b.state, 'crashed');
    assert.equal(b.step, 410);
    assert.equal(b.completed, false);
    assert.match(b.traceback.errorLine, /torch\.OutOfMemoryError: CUDA out of memory/);
    assert.equal(b.lastError.kind, 'cuda_oom');
    assert.equal(b.gpus.length, 1);
    assert.ok(b.ram.totalBytes > 0);
    assert.ok(b.disks.length >= 1);
    assert.ok(!r.out.includes(live.sim.apiKey));
  });

  test('finished and text output; a stopped instance uses the API and says why', async () => {
    const done = JSON.parse((await cli('triage', [id('done'), '--json'])).out);
    assert.equal(done.completed, true);
    assert.equal(done.state, 'finished');
    const text = await cli('triage', [id('train')]);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /training/);
    const off = await cli('triage', [id('off'), '--json']);
    assert.equal(off.code, 0, off.err);
    assert.ok(JSON.parse(off.out).warnings.some((w: string) => /no SSH/.test(w)));
  });

  test('an unreachable host: the bundle from the API, a clear error, exit 1', async () => {
    const inst = live.byLabel.get('stall')!;
    await fetch(`${live.sim.url}/api/v0/instances/${inst.id}/`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${live.sim.apiKey}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    const trainer = live.sim.hosts!.trainer(inst.id)!;
    assert.ok(trainer);
    // Kill the host behind the instance's ports without changing its status: a dead host on a "running" box.
    await (live.sim.hosts as unknown as { close(): Promise<void> }).close();
    const r = await cli('triage', [id('stall'), '--json']);
    assert.equal(r.code, 1);
    assert.match(r.err, /^vastdeck: instance \d+: host unreachable over SSH/);
    assert.ok(JSON.parse(r.out).warnings.some((w: string) => /unreachable/.test(w)));
  });
});

describe('vastdeck attach / ssh', () => {
  test('--print shows the system ssh argv: tmux session or a plain shell, vastdeck known_hosts and key', async () => {
    const a = await cli('attach', [id('train'), '--print']);
    assert.equal(a.code, 0, a.err);
    assert.match(
      a.out,
      new RegExp(
        [
          '^ssh -t -p \\d+ .*UserKnownHostsFile=.*state\\/vastdeck\\/known_hosts .* -i .*id_ed25519 -- ',
          "root@127\\.0\\.0\\.1 'tmux attach -t train \\|\\| tmux new -s train'\\n$",
        ].join(''),
      ),
    );
    const s = await cli('ssh', [id('train'), '--print']);
    assert.match(s.out, /-- root@127\.0\.0\.1\n$/);
    const boot = await cli('attach', [id('boot')]);
    assert.equal(boot.code, 2);
    assert.match(boot.err, /is loading: no SSH endpoint/);
  });
});
