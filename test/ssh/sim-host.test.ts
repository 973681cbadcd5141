// Simulated GPU hosts (ssh2 Server) driven through the real SSH core: scenarios, follow, restarts, auth.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HostKeyChangedError, SshAuthError, SshPool, type LogFollow } from '../../src/core/ssh/index.js';
import { generateKeyPair, startSimHost, type HostScenarioInput, type SimHost } from '../../src/sim/hosts/index.js';
import { pause } from '../helpers/wait.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-simhost-'));
const pair = generateKeyPair();
const keyFile = path.join(dir, 'id_ed25519');
writeFileSync(keyFile, pair.private, { mode: 0o600 });
const hosts: SimHost[] = [];
let pool: SshPool;

async function host(scenario: HostScenarioInput, speed = 1, extra = {}): Promise<SimHost> {
  const h = await startSimHost({ scenario, speed, authorizedKeys: [pair.public], ...extra });
  hosts.push(h);
  return h;
}
const at = (h: SimHost) => ({ host: '127.0.0.1', port: h.port });

async function until(pred: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
function collect(f: LogFollow) {
  const s = { text: '', ends: 0, interrupted: 0 };
  f.on('data', (d) => (s.text += d.toString('utf8')));
  f.on('end', () => s.ends++);
  f.on('interrupted', () => s.interrupted++);
  return s;
}
const steps = (text: string) => [...text.matchAll(/\| (\d+)\/\d+ \[/g)].map((m) => Number(m[1]));

describe('simulated hosts over SSH', () => {
  before(() => {
    pool = new SshPool({
      knownHostsFile: path.join(dir, 'known_hosts'),
      auth: { agentSocket: null, keyPaths: [keyFile] },
      backoff: { initialMs: 50, maxMs: 200 },
      readyTimeoutMs: 3000,
    });
  });
  after(async () => {
    await pool.close();
    for (const h of hosts) await h.close();
  });

  test('healthy host: nvidia-smi, free, df, tmux, unknown command', async () => {
    const h = await host({});
    const q = await pool.exec(
      at(h),
      'nvidia-smi --query-gpu=index,name,utilization.gpu,memory.used --format=csv,noheader,nounits',
    );
    assert.equal(q.code, 0);
    assert.match(q.stdout, /^0, NVIDIA H100 80GB HBM3, 97, \d+\n$/);
    const free = await pool.exec(at(h), 'free -b');
    assert.match(free.stdout.split('\n')[1]!, /^Mem:\s+135148564480\s+\d+/);
    const df = await pool.exec(at(h), 'df -B1 /workspace');
    assert.match(
      df.stdout,
      /^Filesystem\s+1B-blocks\s+Used\s+Available Use% Mounted on\n\/dev\/vda\s+\d+\s+\d+\s+\d+\s+\d+% \/\n$/,
    );
    assert.equal((await pool.exec(at(h), 'tmux has-session -t train')).code, 0);
    const nope = await pool.exec(at(h), 'rm -rf /');
    assert.deepEqual([nope.code, nope.stderr], [127, 'bash: line 1: rm: command not found\n']);
  });

  test('follow train.log: steps advance, loss dicts arrive, checkpoints appear and are readable', async () => {
    const h = await host({ totalSteps: 300, stepsPerSecond: 5, saveSteps: 50 }, 40);
    const f = pool.follow(at(h), '/workspace/train.log');
    const s = collect(f);
    await until(() => steps(s.text).some((n) => n >= 120), 'step 120');
    assert.match(
      s.text,
      /\r\{'loss': '[\d.]+', 'grad_norm': '[\d.]+', 'learning_rate': '[\d.e-]+', 'epoch': '[\d.]+'\}\n/,
    );
    const seen = steps(s.text);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
      'steps only go up',
    );
    const ls = await pool.exec(at(h), 'ls /workspace/run');
    assert.ok(ls.stdout.startsWith('checkpoint-100\n') && ls.stdout.includes('checkpoint-50\n'));
    const st = JSON.parse((await pool.exec(at(h), 'cat /workspace/run/checkpoint-100/trainer_state.json')).stdout);
    assert.equal(st.global_step, 100);
    f.stop();
  });

  test('crash and CUDA OOM end the log with a traceback and stop the steps', async () => {
    for (const [sc, re] of [
      [{ crashAtStep: 25 }, /RuntimeError: CUDA error: an illegal memory access was encountered\n$/],
      [{ oomAtStep: 15 }, /torch\.OutOfMemoryError: CUDA out of memory\. Tried to allocate/],
    ] as const) {
      const h = await host({ stepsPerSecond: 50, ...sc });
      await until(() => h.trainer.status === 'crashed', 'crash');
      const log = (await pool.exec(at(h), 'tail -n 40 /workspace/train.log')).stdout;
      assert.match(log, /Traceback \(most recent call last\):/);
      assert.match(log, re);
      assert.equal(
        h.trainer.step,
        ((sc as { crashAtStep?: number }).crashAtStep ?? (sc as { oomAtStep?: number }).oomAtStep!) - 1,
      );
      const util = await pool.exec(at(h), 'nvidia-smi --query-gpu=utilization.gpu --format=csv,noheader,nounits');
      assert.equal(util.stdout, '0\n');
    }
  });

  test('no CUDA: nvidia-smi fails with exit 9, the job dies at start', async () => {
    const h = await host({ noCuda: true });
    const r = await pool.exec(at(h), 'nvidia-smi --query-gpu=name --format=csv');
    assert.equal(r.code, 9);
    assert.match(r.stdout, /couldn't communicate with the NVIDIA driver/);
    assert.match((await pool.exec(at(h), 'cat /workspace/train.log')).stdout, /Found no NVIDIA driver on your system/);
  });

  test('disk full: df shows 100% and the first save dies with ENOSPC', async () => {
    const h = await host({ diskFull: true, stepsPerSecond: 100, saveSteps: 20 });
    assert.match((await pool.exec(at(h), 'df -B1 /')).stdout, / 0 100% \/\n$/);
    await until(() => h.trainer.status === 'crashed', 'save failure');
    assert.equal(h.trainer.step, 20);
    assert.deepEqual(h.trainer.checkpoints, []);
    assert.match(
      (await pool.exec(at(h), 'tail -n 3 /workspace/train.log')).stdout,
      /OSError: \[Errno 28\] No space left on device/,
    );
  });

  test('stall: the step stops advancing while the GPU stays busy', async () => {
    const h = await host({ stallAtStep: 30, stepsPerSecond: 100 });
    await until(() => h.trainer.status === 'stalled', 'stall');
    const before = h.trainer.log.length;
    // A quiet period is the subject: 300 ms at 100 steps/s would be 30 steps, and none may come.
    await pause(300);
    assert.equal(h.trainer.step, 30);
    assert.equal(h.trainer.log.length, before, 'no output while hung');
    assert.equal(
      (await pool.exec(at(h), 'nvidia-smi --query-gpu=utilization.gpu --format=csv,noheader,nounits')).stdout,
      '100\n',
    );
  });

  test('slow network delays replies', async () => {
    const h = await host({ outputDelayMs: 400 });
    await pool.exec(at(h), 'true'); // connect first, so only the reply is timed
    const t0 = Date.now();
    assert.equal((await pool.exec(at(h), 'tmux has-session -t train')).code, 0);
    assert.ok(Date.now() - t0 >= 390, `took ${Date.now() - t0} ms`);
  });

  test('host dies and restarts on the same port with the same key: the follow resumes without repeats', async () => {
    const h = await host({ stepsPerSecond: 20 });
    const f = pool.follow(at(h), '/workspace/train.log');
    const s = collect(f);
    await until(() => steps(s.text).some((n) => n >= 10), 'step 10');
    await h.kill();
    await until(() => s.interrupted === 1, 'interruption');
    const before = s.text.length;
    const again = await startSimHost({
      port: h.port,
      hostKey: h.hostKey,
      trainer: h.trainer,
      authorizedKeys: [pair.public],
    });
    hosts.push(again);
    await until(() => s.text.length > before && steps(s.text.slice(before)).length > 2, 'output after restart');
    assert.equal(s.text.split("{'loss'").length, new Set(s.text.split("{'loss'")).size, 'no loss line delivered twice');
    assert.equal(s.ends, 0);
    f.stop();
  });

  test('a new host key on a known port is refused; an unknown client key is an auth error', async () => {
    const h = await host({});
    await pool.exec(at(h), 'true');
    await h.kill();
    await pool.drop(at(h));
    const impostor = await startSimHost({ port: h.port, authorizedKeys: [pair.public] });
    hosts.push(impostor);
    await assert.rejects(
      pool.exec(at(h), 'true'),
      (e) => e instanceof HostKeyChangedError && e.message.includes(impostor.fingerprint),
    );
    const stranger = await host({}, 1, { authorizedKeys: [generateKeyPair().public] });
    await assert.rejects(
      pool.exec(at(stranger), 'true'),
      (e) => e instanceof SshAuthError && /authentication failed: offered .*id_ed25519/.test(e.message),
    );
  });
});
