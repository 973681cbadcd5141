// vastdeck logs in child processes against a simulator, with a fresh HOME and state
// dir (no ~/.ssh, no agent): vastdeck's own key is used (written by useLiveSim, registered on the simulated account).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
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

describe('vastdeck logs', () => {
  test('over SSH: the last N lines, tqdm redraws rendered, no control characters; own key 0600', async () => {
    const r = await cli('logs', [id('oom'), '--tail', '8']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    assert.match(r.out, /torch\.OutOfMemoryError: CUDA out of memory/);
    assert.ok(!/[\r\x1b]/.test(r.out));
    assert.ok(r.out.trimEnd().split('\n').length <= 8);
    const key = path.join(live.dir, 'state', 'vastdeck', 'id_ed25519');
    assert.equal(statSync(key).mode & 0o777, 0o600);
  });

  test('--follow prints new steps until Ctrl-C', async () => {
    const r = await cli('logs', [id('train'), '--follow', '--tail', '2'], 4500);
    assert.equal(r.code, 130, r.err);
    // Complete lines are the Trainer's dicts (one per 10 steps = 2 s here); their epoch grows.
    const epochs = [...r.out.matchAll(/'epoch': '([\d.e+-]+)'/g)].map((m) => Number(m[1]));
    assert.ok(epochs.length >= 2 && epochs[epochs.length - 1]! > epochs[0]!, r.out.slice(-300));
  });

  test('--api and instances without SSH read the Vast logs API; --daemon the daemon log', async () => {
    const api = await cli('logs', [id('done'), '--api', '--tail', '5']);
    assert.equal(api.code, 0, api.err);
    assert.match(api.out, /'train_runtime'/);
    const off = await cli('logs', [id('off')]);
    assert.equal(off.code, 0, off.err);
    assert.match(off.out, /'loss'/);
    const d = await cli('logs', [id('train'), '--daemon']);
    assert.match(d.out, /\[daemon\] pulling image/);
  });

  test('an unknown ID is one line on stderr and exit 1; a bad one is a usage error', async () => {
    const r = await cli('logs', ['999999']);
    assert.equal(r.code, 1);
    assert.equal(r.err.trim().split('\n').length, 1);
    assert.match(r.err, /^vastdeck: instance 999999 does not exist/);
    const bad = await cli('logs', ['abc']);
    assert.equal(bad.code, 2);
  });
});
