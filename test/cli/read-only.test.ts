// readOnly: true in config.yaml holds for the headless commands too: `vastdeck destroy ID --force` destroyed
// under it. Every command that rents, stops, destroys, labels or writes env vars refuses, naming the setting,
// before it touches the account; reading commands and dry runs still work.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { bundleCli, homeEnv, runCli } from '../helpers/run-cli.js';

let sim: SimHandle;
let dir: string;
let script: string;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vastdeck-ro-'));
  mkdirSync(path.join(dir, 'config', 'vastdeck'), { recursive: true });
  writeFileSync(path.join(dir, 'config', 'vastdeck', 'config.yaml'), 'readOnly: true\n');
  sim = await startSimulator({
    rateLimit: false,
    hosts: false,
    scenario: {
      secrets: { KEEP_ME: 'v1' },
      fleet: [{ label: 'ro-run', gpu: 'RTX 4090', status: 'running', replicas: 2 }],
    },
  });
  script = await bundleCli();
});
after(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[], stdin = '') =>
  runCli([...args, '--api-url', sim.url, '--api-key', sim.apiKey], { script, env: homeEnv(dir), stdin });

async function account(): Promise<string> {
  const h = { authorization: `Bearer ${sim.apiKey}` };
  const inst = (await (await fetch(`${sim.url}/api/v1/instances/?limit=25`, { headers: h })).json()) as {
    instances: Array<{ id: number; label: string; actual_status: string }>;
  };
  const env = await (await fetch(`${sim.url}/api/v0/secrets/`, { headers: h })).text();
  return JSON.stringify([inst.instances.map((i) => [i.id, i.label, i.actual_status]), env]);
}

describe('readOnly: true in config.yaml', () => {
  test('every command that changes the account refuses, naming the setting, and nothing changes', async () => {
    const before = await account();
    const ids = (JSON.parse(before) as [Array<[number]>])[0].map((r) => String(r[0]));
    const cases: Array<[string[], string?]> = [
      [['destroy', ids[0]!, '--force']],
      [['down', 'ro-run', '--force']],
      [['provision', '--profile', 'p', '--best', '--no-wait']],
      [['migrate', ids[0]!, '--profile', 'p']],
      [['migrate', '--resume']],
      [['monitor', '2', '--fleet', 'ro-run', '--profile', 'p']],
      [['replenish', '3', '--fleet', 'ro-run', '--profile', 'p']],
      [['env', 'set', 'NEW_KEY'], 'value-1\n'],
      [['env', 'rm', 'KEEP_ME']],
      [['stop', ids[0]!]],
      [['start', ids[0]!]],
      [['reboot', ids[0]!]],
      [['label', ids[0]!, 'renamed']],
      [['autopilot', '--once']],
      [['rescue', ids[0]!, '--raise']],
      [['sweep', '--destroy']],
      [['keys', 'add']],
    ];
    const runs = await Promise.all(cases.map(([a, stdin]) => run(a, stdin)));
    runs.forEach((r, k) => {
      const what = cases[k]![0].join(' ');
      assert.equal(r.code, 1, `${what}: ${r.err}`);
      assert.match(r.err, /^vastdeck: read-only: .* is off \(readOnly: true in .*config\.yaml\)[^\n]*\n$/, what);
    });
    assert.equal(await account(), before);
  });

  test('reading commands and dry runs are not refused', async () => {
    const [list, env, dry] = await Promise.all([
      run(['instances', '--json']),
      run(['env', 'list']),
      run(['replenish', '3', '--fleet', 'ro-run', '--profile', 'p', '--dry-run']),
    ]);
    assert.equal(list.code, 0, list.err);
    assert.equal(env.code, 0, env.err);
    assert.doesNotMatch(dry.err, /read-only/);
  });
});
