/** `vastdeck cost` and `vastdeck wait` in child processes against the simulator (as main.ts will run them). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, type CliRun } from '../helpers/run-cli.js';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { callJson, rentOn } from '../sim/helpers.js';

let sim: SimHandle;
let home: string;
let config: string;

const call = (method: string, path: string, body?: unknown) => callJson(sim, method, path, body);

const rent = (label: string) => rentOn(sim, label);

function cli(...args: string[]): Promise<CliRun> {
  return runCli([...args, '--api-url', sim.url, '--config', config], {
    env: { HOME: home, VAST_API_KEY: sim.apiKey, XDG_CONFIG_HOME: path.join(home, '.config') },
  });
}

before(async () => {
  sim = await startSimulator({ rateLimit: false, seed: 21, scenario: { market: { size: 1500 }, balance: 200 } });
  home = mkdtempSync(path.join(os.tmpdir(), 'vd-cost-cli-'));
  config = path.join(home, 'config.yaml');
  writeFileSync(config, 'budget:\n  maxFleetDph: 0.001\n  minBalance: 10\nnotify:\n  bell: false\n');
});
after(() => sim.close());

describe('cost and wait commands', () => {
  let id: number;

  test('cost --json: burn, spend and a budget breach, the API key nowhere in the output', async () => {
    id = await rent('cli-a');
    sim.advance(2 * 3_600_000);
    const r = await cli('cost', '--json', '--fleet', 'cli-', '--since', '2d');
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out);
    assert.equal(report.fleet, 'cli-');
    assert.equal(report.burn.instances, 1);
    assert.ok(report.burn.perHour > 0);
    assert.ok(report.spent.total > 0);
    assert.deepEqual(
      report.breaches.map((b: { rule: string }) => b.rule),
      ['maxFleetDph'],
    );
    assert.equal(report.projections.length, 1, 'a projection from the run log (tqdm total)');
    assert.equal((r.out + r.err).includes(sim.apiKey), false);
  });

  test('cost text output names burn, credit, spend and the breach', async () => {
    const r = await cli('cost', '--fleet', 'cli-', '--quick');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^fleet "cli-" · window 7d · /);
    assert.match(r.out, /burn {6}\$\d+\.\d{3}\/hr/);
    assert.match(r.out, /credit {4}\$\d+\.\d{2} {2}runway/);
    assert.match(r.out, /BUDGET {4}fleet burns/);
    assert.match(r.out, new RegExp(`\\b${id}\\b.*cli-a.*running`));
  });

  test('cost: a bad --since is a one-line usage error', async () => {
    const r = await cli('cost', '--since', 'soon');
    assert.equal(r.code, 2);
    assert.match(r.err, /^vastdeck: --since must be a duration/);
  });

  test('wait: timeout exits 4 with a progress line on stderr', async () => {
    const r = await cli('wait', String(id), '--timeout', '1s', '--json');
    assert.equal(r.code, 4, r.err);
    const res = JSON.parse(r.out);
    assert.equal(res.reason, 'timeout');
    assert.match(r.err, new RegExp(`\\] ${id} (training|stalled|setup)`));
  });

  test('wait: a destroyed instance exits 5; a bad argument exits 2 (usage), as every command', async () => {
    await call('DELETE', `/api/v0/instances/${id}/`, {});
    const r = await cli('wait', String(id));
    assert.equal(r.code, 5, r.err);
    assert.match(r.out, new RegExp(`instance ${id} is gone`));
    const bad = await cli('wait', '--every', '5s', String(id));
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--every must be at least 30s/);
    assert.equal((await cli('wait')).code, 2);
  });
});
