// The headless commands as a user runs them: the production bundle (bin/vastdeck.js) in a child process,
// against a simulator started by the test. Checks clean --json, tables that fit, and one-line errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { cliArgv, runCli, type CliRun } from '../helpers/run-cli.js';

let sim: SimHandle;

before(async () => {
  sim = await startSimulator({ rateLimit: false, hosts: false, scenario: path.resolve('src/sim/scenarios/demo.yaml') });
});
after(async () => {
  await sim.close();
});

/** Runs the bundled CLI with a clean environment (no key from the machine, HOME nowhere). */
function run(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  // The old contract of this file: stdin is not piped (a TUI start must see no terminal and no input).
  return runCli(args, { bundle: true, clean: true, stdin: null, env: { HOME: '/nonexistent-vastdeck-home', ...env } });
}

const api = () => ['--api-url', sim.url, '--api-key', sim.apiKey];

describe('vastdeck instances / offers against the simulator', () => {
  test('instances --json is clean JSON of every instance, nothing on stderr', async () => {
    const r = await run(['instances', '--json', ...api()]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    const rows = JSON.parse(r.out) as Array<{ id: number; label: string; envKeys: string[] }>;
    assert.ok(rows.length >= 10);
    assert.ok(rows.some((i) => i.label === 'zeb-large-main'));
    assert.ok(!r.out.includes(sim.apiKey));
  });

  test('instances --fleet filters by label prefix; the table fits 120 columns when piped', async () => {
    const r = await run(['instances', '--fleet', 'mosaic-gpt2', ...api()]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n');
    assert.match(lines[0]!, /^\s*ID\s+LABEL\s+GPU\s+STATUS/);
    assert.ok(lines.length > 2);
    for (const l of lines.slice(1, -1)) assert.match(l, /mosaic-gpt2/);
    assert.match(lines.at(-1)!, /^Total: \d+ instances, \$[\d.]+\/hr \(\$[\d.]+\/day\)$/);
    for (const l of lines) assert.ok([...l].length <= 120, l);
  });

  test('global flags may come before the command', async () => {
    const r = await run([...api(), 'instances', '--json']);
    assert.equal(r.code, 0, r.err);
    assert.ok(Array.isArray(JSON.parse(r.out)));
  });

  test('offers with the CLI query syntax: every row matches, in price order, with trap checks', async () => {
    const r = await run([
      'offers',
      'num_gpus>=4 gpu_ram>=20 inet_down>=500',
      '--order',
      'dph_total',
      '--limit',
      '20',
      '--json',
      ...api(),
    ]);
    assert.equal(r.code, 0, r.err);
    const offers = JSON.parse(r.out) as Array<{
      numGpus: number;
      gpuRamGb: number;
      inetDownMbps: number;
      dphTotal: number;
      check: { verdict: string };
    }>;
    assert.equal(offers.length, 20);
    for (const o of offers) {
      assert.ok(o.numGpus >= 4 && o.gpuRamGb >= 20 && o.inetDownMbps >= 500, JSON.stringify(o));
      assert.match(o.check.verdict, /^(fits|warns|fails)$/);
    }
    for (let k = 1; k < offers.length; k++) assert.ok(offers[k]!.dphTotal >= offers[k - 1]!.dphTotal);
  });

  test('slow-internet trap hosts are marked as failing in the table', async () => {
    const r = await run(['offers', 'inet_down<3', '--limit', '5', ...api()]);
    assert.equal(r.code, 0, r.err);
    const rows = r.out.trim().split('\n').slice(1);
    assert.ok(rows.length > 0);
    // FIT leads the row (the offer browser's column order), WHY ends it.
    for (const row of rows) assert.match(row, /^✗\s.*\sinet\b/);
  });

  test('a mistyped offer field is one line on stderr and a non-zero exit', async () => {
    const r = await run(['offers', 'gpu_rma>=20', ...api()]);
    assert.notEqual(r.code, 0);
    assert.equal(r.out, '');
    assert.match(r.err, /^vastdeck: .*gpu_rma.*\n$/);
  });
});

describe('errors: one line, non-zero, never the key', () => {
  test('a wrong key', async () => {
    const key = 'wrong-key-0123456789abcdef';
    const r = await run(['instances', '--api-url', sim.url, '--api-key', key]);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.match(r.err, /^vastdeck: .*API key.*\n$/);
    assert.ok(!r.err.includes(key));
  });

  test('no key anywhere says where keys are looked for', async () => {
    const r = await run(['instances', '--api-url', sim.url]);
    assert.equal(r.code, 2);
    assert.match(r.err, /^vastdeck: no Vast\.ai API key: pass --api-key, set VAST_API_KEY/);
  });

  test('VAST_API_KEY and VAST_URL from the environment are used', async () => {
    const r = await run(['instances', '--json'], { VAST_API_KEY: sim.apiKey, VAST_URL: sim.url });
    assert.equal(r.code, 0, r.err);
  });

  test('malformed JSON from the API is a clear error, never "no instances"', async () => {
    sim.injectFault({ route: '/api/v1/instances/', kind: 'malformed', count: 1 });
    const r = await run(['instances', ...api()]);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.match(r.err, /^vastdeck: .*(malformed|not valid JSON|unexpected).*\n$/i);
  });

  test('an unknown command and an unknown flag are usage errors (exit 2)', async () => {
    const a = await run(['instancez']);
    assert.equal(a.code, 2);
    assert.match(a.err, /^vastdeck: unknown command "instancez"/);
    const b = await run(['instances', '--jsno']);
    assert.equal(b.code, 2);
    assert.match(b.err, /^vastdeck: instances: Unknown option '--jsno'/);
  });

  test('--help works for every command, and the TUI refuses to start without a terminal', async () => {
    for (const cmd of [
      'instances',
      'offers',
      'logs',
      'triage',
      'attach',
      'ssh',
      'sim',
      'provision',
      'env',
      'destroy',
      'down',
      'migrate',
      'monitor',
      'replenish',
      'cost',
      'wait',
    ]) {
      const r = await run([cmd, '--help']);
      assert.equal(r.code, 0, `${cmd}: ${r.err}`);
      assert.match(r.out, /Usage: vastdeck/);
    }
    const tui = await run(['--demo']);
    assert.equal(tui.code, 2);
    assert.match(tui.err, /needs a terminal/);
  });
});

test('vastdeck sim prints its URL and serves the API until SIGTERM', async () => {
  const child = spawn(
    process.execPath,
    [...cliArgv({ bundle: true }), 'sim', '--port', '0', '--seed', '7', '--no-rate-limit'],
    {
      env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent-vastdeck-home' },
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^(http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`sim exited early: ${out}`)));
  });
  const r = await run(['offers', '--limit', '3', '--json', '--api-url', url, '--api-key', 'sim-demo-key']);
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).length, 3);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});
