/**
 * Issue 15's runbook steps that need no host: the status script's total line under `instances`, and `vastdeck sim`
 * printing what a script needs (API URL, key, HF_ENDPOINT).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { sshEndpoint } from '../../src/core/vast/units.js';
import { cliArgv, homeEnv, ROOT, runCli } from '../helpers/run-cli.js';

describe('instances: the total line of the runbook status script', () => {
  let sim: SimHandle;
  let dir: string;
  before(async () => {
    sim = await startSimulator({
      rateLimit: false,
      hosts: false,
      scenario: path.resolve('src/sim/scenarios/demo.yaml'),
    });
    dir = mkdtempSync(path.join(os.tmpdir(), 'vd-total-'));
  });
  after(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const api = () => ['--api-url', sim.url, '--api-key', sim.apiKey];

  test('the table ends with "Total: N instances, $X/hr ($Y/day)" summing the $/HR column', async () => {
    const all = await new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url }).listInstances();
    const rows = all.filter((i) => (i.label ?? '').startsWith('zeb-'));
    assert.ok(rows.length >= 2);
    const hr = rows.reduce((s, i) => s + (i.status === 'stopped' ? i.storageDph : i.dphTotal), 0);
    const r = await runCli(['instances', '--fleet', 'zeb-', ...api()], { env: homeEnv(dir) });
    assert.equal(r.code, 0, r.err);
    const last = r.out.trimEnd().split('\n').at(-1)!;
    assert.equal(last, `Total: ${rows.length} instances, $${hr.toFixed(3)}/hr ($${(hr * 24).toFixed(2)}/day)`);
  });

  test('--json carries the same total without changing the rows', async () => {
    const r = await runCli(['instances', '--json', ...api()], { env: homeEnv(dir) });
    assert.equal(r.code, 0, r.err);
    const rows = JSON.parse(r.out) as Array<{ id: number }>;
    assert.ok(Array.isArray(rows) && rows.length >= 10);
  });
});

describe('pull: the command it runs', () => {
  let sim: SimHandle;
  let dir: string;
  before(async () => {
    sim = await startSimulator({
      rateLimit: false,
      hosts: false,
      scenario: path.resolve('src/sim/scenarios/demo.yaml'),
    });
    dir = mkdtempSync(path.join(os.tmpdir(), 'vd-pull-cli-'));
  });
  after(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const api = () => ['--api-url', sim.url, '--api-key', sim.apiKey];

  test('--print: rsync from root@host:/workspace/run/ into ./LABEL over ssh -p PORT with vastdeck known_hosts; excludes', async () => {
    const all = await new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url }).listInstances();
    const inst = all.find((i) => i.label === 'zeb-large-main')!;
    const r = await runCli(['pull', String(inst.id), '--exclude', 'optimizer.pt', '--print', ...api()], {
      env: homeEnv(dir),
    });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^rsync -z --info=progress2 .*--partial --exclude=optimizer\.pt -e /);
    const ep = sshEndpoint(inst)!; // the direct port when the instance has one, as attach and logs use
    assert.match(r.out, new RegExp(`ssh -o BatchMode=yes -p ${ep.port} .*UserKnownHostsFile=`));
    assert.match(r.out.trim(), new RegExp(`root@${ep.host.replace(/\./g, '\\.')}:/workspace/run/ \\./zeb-large-main$`));
    const stopped = all.find((i) => i.status !== 'running')!;
    const s = await runCli(['pull', String(stopped.id), ...api()], { env: homeEnv(dir) });
    assert.equal(s.code, 2);
    assert.match(s.err, /no SSH endpoint until it is running/);
  });
});

describe("the user's ~/.ssh/config for vast hosts", () => {
  let sim: SimHandle;
  let dir: string;
  before(async () => {
    sim = await startSimulator({
      rateLimit: false,
      hosts: false,
      scenario: path.resolve('src/sim/scenarios/demo.yaml'),
    });
    dir = mkdtempSync(path.join(os.tmpdir(), 'vd-usercfg-'));
    mkdirSync(path.join(dir, '.ssh'), { recursive: true });
    writeFileSync(path.join(dir, '.ssh', 'config'), 'Host 127.0.0.1\n  User trainer\n  IdentityFile ~/.ssh/vast_key\n');
  });
  after(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('User from the config replaces root for attach, ssh and pull (IdentityFile/ProxyJump are left to ssh, not overridden)', async () => {
    const all = await new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url }).listInstances();
    const inst = all.find((i) => i.label === 'zeb-large-main')!;
    const api = ['--api-url', sim.url, '--api-key', sim.apiKey];
    for (const cmd of ['attach', 'ssh', 'pull']) {
      const r = await runCli([cmd, String(inst.id), '--print', ...api], { env: homeEnv(dir) });
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /trainer@127\.0\.0\.1/, `${cmd}: ${r.out}`);
      assert.doesNotMatch(r.out, /root@/);
      assert.doesNotMatch(r.out, /IdentitiesOnly|ProxyJump=none|-F \/dev\/null/);
    }
  });
});

describe('vastdeck sim prints what a script needs', () => {
  test('API URL, key and HF_ENDPOINT lines; each works; --demo starts with the demo fleet', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'vd-simcmd-'));
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '' };
    for (const [k, v] of Object.entries(homeEnv(home))) if (v !== undefined) env[k] = v;
    const child = spawn(process.execPath, [...cliArgv(), 'sim', '--demo', '--no-rate-limit'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      const end = Date.now() + 20_000;
      while (!/HF_ENDPOINT=/.test(out)) {
        if (Date.now() > end || child.exitCode !== null) throw new Error(`no HF_ENDPOINT line in: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const url = /^VAST_URL=(\S+)$/m.exec(out)?.[1];
      const key = /^VAST_API_KEY=(\S+)$/m.exec(out)?.[1];
      const hf = /^HF_ENDPOINT=(\S+)$/m.exec(out)?.[1];
      assert.ok(url && key && hf, out);
      assert.match(hf!, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(out.split('\n')[0], url, 'line 1 is the URL alone');
      const list = await new VastClient({ apiKey: key!, baseUrl: url! }).listInstances();
      assert.ok(
        list.some((i) => i.label === 'zeb-large-main'),
        'the demo fleet, not "no instances"',
      );
      // vastdeck's own key (no ~/.ssh in this HOME) is on the demo account, so attach/logs work at once.
      const own = readFileSync(path.join(home, 'state', 'vastdeck', 'id_ed25519.pub'), 'utf8')
        .split(' ')
        .slice(0, 2)
        .join(' ');
      const keys = (await (
        await fetch(`${url}/api/v0/ssh/`, { headers: { Authorization: `Bearer ${key}` } })
      ).json()) as Array<{ key: string }>;
      assert.ok(
        keys.some((k) => k.key.startsWith(own)),
        JSON.stringify(keys),
      );
      // The Hub stand-in answers the model-info route @huggingface/hub uses.
      const res = await fetch(`${hf}/api/models/nobody/nothing`);
      assert.ok(res.status === 404 || res.status === 401, String(res.status));
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => child.once('close', r));
      rmSync(home, { recursive: true, force: true });
    }
  });
});
