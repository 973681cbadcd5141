// Output that is whole: a command's stdout reaches a slow reader complete. The reader here is `sleep 1; cat`
// behind a real pipe, so the CLI's writes fill the 64 KiB pipe buffer and must wait; exiting before they drain
// cut `offers --limit 10000 --json` at 64 or 128 KiB with exit 0.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { cliArgv, homeEnv, ROOT } from '../helpers/run-cli.js';

let sim: SimHandle;
let dir: string;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vastdeck-whole-'));
  sim = await startSimulator({
    rateLimit: false,
    hosts: false,
    scenario: {
      market: { size: 15000, gpus: { 'RTX 4090': { weight: 100 } } },
      fleet: ['a', 'b'].map((k) => ({
        label: `bulk-${k}-{n}`,
        gpu: 'RTX 4090',
        count: 1,
        status: 'running',
        age: '2d',
        replicas: 500,
      })),
    },
  });
});
after(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs `vastdeck ARGS… | (sleep 1; cat > FILE)`, returning the CLI's exit status (PIPESTATUS) and what the reader got.
 */
function throughSlowPipe(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const outFile = path.join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const cmd =
    `${[process.execPath, ...cliArgv(), ...args].map(q).join(' ')} | { sleep 1; cat > ${q(outFile)}; }; exit ` +
    `\${PIPESTATUS[0]}`;
  const env: NodeJS.ProcessEnv = { ...process.env, ...homeEnv(dir) };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', cmd], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out: readFileSync(outFile, 'utf8'), err }));
  });
}

const api = () => ['--api-url', sim.url, '--api-key', sim.apiKey];

describe('output reaches a slow reader whole', () => {
  test('offers --limit 10000 --json: the whole JSON array, parseable', async () => {
    const r = await throughSlowPipe(['offers', '--limit', '10000', '--json', ...api()]);
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.length > 1_000_000, `only ${r.out.length} bytes arrived`);
    assert.equal((JSON.parse(r.out) as unknown[]).length, 10000);
  });

  test('instances --json at 1,000 instances: every one', async () => {
    const r = await throughSlowPipe(['instances', '--json', ...api()]);
    assert.equal(r.code, 0, r.err);
    assert.equal((JSON.parse(r.out) as unknown[]).length, 1000);
  });

  test('instances (table) at 1,000 instances: every row', async () => {
    const r = await throughSlowPipe(['instances', ...api()]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines.length, 1002, 'the header, 1,000 rows and the total line');
    assert.match(lines.at(-1)!, /^Total: 1000 instances, /);
  });

  test('logs --api --tail 5000: every line, ending in a newline', async () => {
    const id = (await (
      await fetch(`${sim.url}/api/v1/instances/?limit=1`, { headers: { authorization: `Bearer ${sim.apiKey}` } })
    ).json()) as { instances: Array<{ id: number }> };
    const r = await throughSlowPipe(['logs', String(id.instances[0]!.id), '--api', '--tail', '5000', ...api()]);
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.length > 200_000, `only ${r.out.length} bytes arrived`);
    assert.ok(r.out.endsWith('\n'));
  });
});
