// `logs` on an instance with no log yet says so (stderr line, exit 1) instead of printing nothing with exit 0;
// `logs --api` shows a tqdm redraw's last state as the SSH path does (it glued every redraw into one line).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startSimulator } from '../../src/sim/index.js';
import { LogRing } from '../../src/core/logs/ring.js';
import { startHostileApi, type HostileApi } from '../helpers/hostile-api.js';
import { bundleCli, ROOT, runCli } from '../helpers/run-cli.js';

let api: HostileApi;
let id: number;
let script: string;
const TRAINER_LOG = readFileSync(path.join(ROOT, 'test/fixtures/gpu-host/hf-trainer-stdout.log'), 'utf8');

before(async () => {
  const sim = await startSimulator({
    rateLimit: false,
    hosts: false,
    scenario: { market: { size: 200 }, fleet: [{ label: 'tpl', gpu: 'RTX 4090', status: 'loading' }] },
  });
  const row = (
    (await (
      await fetch(`${sim.url}/api/v1/instances/?limit=1`, { headers: { authorization: `Bearer ${sim.apiKey}` } })
    ).json()) as { instances: Array<{ id: number }> }
  ).instances[0]!;
  await sim.close();
  id = row.id;
  api = await startHostileApi({ instances: [row], offers: [], log: '' });
  script = await bundleCli();
});
after(async () => {
  await api?.close();
});

const run = (args: string[]) =>
  runCli([...args, '--api-url', api.url, '--api-key', 'k-1234567'], {
    script,
    clean: true,
    env: { HOME: '/nonexistent-vastdeck-home' },
  });

describe('vastdeck logs', () => {
  test('no log yet: one line saying so on stderr, exit 1, nothing on stdout', async () => {
    api.world.log = '';
    const r = await run(['logs', String(id)]);
    assert.equal(r.out, '');
    assert.equal(r.code, 1, r.err);
    assert.match(
      r.err,
      new RegExp(`^vastdeck: instance ${id} has no log yet \\(status loading\\)[^\\n]*--follow[^\\n]*\\n$`),
    );
    api.world.log = '\n\n  \n';
    assert.equal((await run(['logs', String(id), '--api'])).code, 1);
  });

  test('--api: a tqdm bar redrawn with \\r shows its last state, line for line as the SSH path (LogRing) shows it', async () => {
    api.world.log = TRAINER_LOG;
    const r = await run(['logs', String(id), '--api', '--tail', '5000']);
    assert.equal(r.code, 0, r.err);
    const ring = new LogRing();
    ring.push(TRAINER_LOG, 'ssh');
    ring.end('ssh');
    const expected = ring
      .lines()
      .map((l) => l.text)
      .filter((t) => t.trim() !== '');
    assert.deepEqual(r.out.trimEnd().split('\n'), expected);
    assert.ok(!r.out.includes('0/300 [00:00<?, ?it/s]  '), 'redraws glued together');
  });
});
