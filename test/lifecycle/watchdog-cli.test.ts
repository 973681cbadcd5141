/**
 * The host watchdog through the commands, end to end: `provision` of a profile with `lifecycle.watchdog` rents on
 * the simulator an instance whose SSH endpoint is a REAL sshd on loopback (real bash and curl), arms the watchdog
 * there with an instance-scoped key (journaled without the key), one `autopilot --once` pass refreshes its
 * heartbeat, and once heartbeats stop the watchdog stops its own instance and no other.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { readJournal } from '../../src/core/journal/journal.js';
import { watchdogPaths } from '../../src/core/lifecycle/watchdog.js';
import { startSshd, sshdSkipReason, type TestSshd } from '../helpers/sshd.js';
import { homeEnv, runCli, type CliRun } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait.js';

const PROFILES = [
  'profiles:',
  '  guarded:',
  '    model: gpt2',
  '    image: pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime',
  '    diskGb: 40',
  '    lifecycle: { watchdog: { heartbeatStale: 5s, checkEvery: 1s } }',
  '',
].join('\n');

describe('host watchdog through provision and autopilot', { skip: sshdSkipReason }, () => {
  let sim: SimHandle;
  let sshd: TestSshd;
  let client: VastClient;
  let dir: string;
  let profiles: string;
  // The sshd logs in as root: the watchdog lives in root's default dir on this machine for the test's length.
  const wd = watchdogPaths();
  const killWatchdog = () => {
    try {
      process.kill(Number(readFileSync(wd.pid, 'utf8').trim()));
    } catch {
      // not running (it exits after stopping its instance)
    }
  };
  before(async () => {
    sshd = await startSshd();
    assert.ok(!existsSync(wd.pid), `${wd.dir} exists on this machine: refusing to overwrite another watchdog`);
    // The fleet's one instance takes the first 4 ports; the rental's SSH proxy port is then the real sshd.
    sim = await startSimulator({
      rateLimit: false,
      seed: 59,
      hosts: false,
      sshPortBase: sshd.port - 4,
      scenario: {
        market: { size: 300, traps: false },
        lifecycle: { provisionSec: 0, loadSec: [0, 0] },
        fleet: [{ label: 'other', gpu: 'RTX 4090' }],
      },
    });
    client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
    dir = mkdtempSync(path.join(os.tmpdir(), 'vd-watchdog-cli-'));
    mkdirSync(path.join(dir, '.ssh'), { mode: 0o700 });
    copyFileSync(sshd.clientKey, path.join(dir, '.ssh', 'id_ed25519'));
    profiles = path.join(dir, 'profiles.yaml');
    writeFileSync(profiles, PROFILES);
  });
  after(async () => {
    killWatchdog();
    rmSync(wd.dir, { recursive: true, force: true });
    await sshd?.stop();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const cli = (args: string[]): Promise<CliRun> =>
    runCli([...args, '--profiles', profiles, '--api-url', sim.url, '--api-key', sim.apiKey], { env: homeEnv(dir) });
  const statusOf = async (id: number) => (await client.showInstance(id)).status;
  const log = () => (existsSync(wd.log) ? readFileSync(wd.log, 'utf8') : 'no watchdog log');

  test('provision arms it (scoped key, never journaled), autopilot refreshes the heartbeat, without heartbeats it stops its own instance', async () => {
    const p = await cli(['provision', '--profile', 'guarded', '--best', '--no-check', '--json']);
    assert.equal(p.code, 0, p.err);
    const out = JSON.parse(p.out);
    assert.equal(out.outcome, 'running', p.err);
    const id: number = out.instanceId;
    assert.equal(out.watchdog.armed, true, p.err);
    assert.match(p.err, new RegExp(`instance ${id}: host watchdog armed`));
    assert.match(p.err, /host watchdog \(heartbeat stale 5s→stop\)/);

    // The host has the watchdog, running, with its key in a file only root reads.
    assert.ok(
      existsSync(wd.script) && existsSync(wd.key) && existsSync(wd.heartbeat),
      'the watchdog files are on the host',
    );
    assert.equal(readFileSync(wd.key).length > 0 && (await import('node:fs')).statSync(wd.key).mode & 0o777, 0o600);
    const key = readFileSync(wd.key, 'utf8');
    assert.notEqual(key, sim.apiKey, "never the user's key");
    const scoped = new VastClient({ apiKey: key, baseUrl: sim.url });
    await assert.rejects(scoped.listInstances(), /403|not_authorized|lacks the permission/, 'the key is scoped');
    assert.equal((await scoped.showInstance(id)).id, id);

    // Journaled: armed, the instance and its limits; the key's value nowhere (journal, stdout, stderr).
    const journalFile = path.join(dir, 'state', 'vastdeck', 'journal.jsonl');
    const rec = (await readJournal(journalFile)).records.find((r) => r.op === 'lifecycle.watchdog')!;
    assert.ok(rec, 'a lifecycle.watchdog record');
    assert.equal(rec.ids.instanceId, id);
    assert.equal(rec.details.event, 'armed');
    assert.equal(rec.details.heartbeatMaxAgeSec, 5);
    assert.equal(rec.details.everySec, 1);
    assert.equal(rec.details.maxRuntimeSec, null);
    for (const [what, text] of [
      ['journal', readFileSync(journalFile, 'utf8')],
      ['stdout', p.out],
      ['stderr', p.err],
    ] as const) {
      assert.ok(!text.includes(key), `the key appears in ${what}`);
    }

    // One autopilot pass writes a newer heartbeat (the host's clock, in seconds).
    const before = Number(readFileSync(wd.heartbeat, 'utf8'));
    // The heartbeat is the host's clock in whole seconds (this machine's: the sshd is on loopback): wait for it to
    // tick.
    await waitFor(() => Math.floor(Date.now() / 1000) > before, {
      what: "the clock to pass the heartbeat's second",
      intervalMs: 20,
    });
    const a = await cli(['autopilot', '--once']);
    assert.equal(a.code, 0, a.err);
    assert.match(a.err, /watchdog heartbeat sent to 1 instance/);
    assert.ok(Number(readFileSync(wd.heartbeat, 'utf8')) > before, 'the heartbeat moved forward');
    assert.equal(await statusOf(id), 'running', log());

    // No more heartbeats: the watchdog stops its own instance, and only it.
    await waitFor(async () => (await statusOf(id)) === 'stopped', {
      what: `the watchdog to stop ${id}`,
      timeoutMs: 30_000,
      intervalMs: 250,
      detail: log,
    });
    // The stop lands before the watchdog writes its log line: wait for the line too.
    await waitFor(() => /no heartbeat for \d+s: stop answered 200/.test(log()), {
      what: "the watchdog's log line",
      detail: log,
    });
    const other = (await client.listInstances()).find((i) => i.label === 'other')!;
    assert.equal(other.status, 'running');
  });

  test('a host where it cannot be armed: one warning line, the key revoked and never shown, the rental stands', async () => {
    killWatchdog();
    rmSync(wd.dir, { recursive: true, force: true });
    writeFileSync(wd.dir, 'not a directory'); // mkdir -p fails on the host
    // A second simulator whose first rental's SSH port is the same real sshd.
    const sim2 = await startSimulator({
      rateLimit: false,
      seed: 67,
      hosts: false,
      sshPortBase: sshd.port - 4,
      scenario: {
        market: { size: 300, traps: false },
        lifecycle: { provisionSec: 0, loadSec: [0, 0] },
        fleet: [{ label: 'other', gpu: 'RTX 4090' }],
      },
    });
    try {
      const keys = async () =>
        (
          (await (
            await fetch(`${sim2.url}/api/v0/auth/apikeys/`, { headers: { Authorization: `Bearer ${sim2.apiKey}` } })
          ).json()) as { apikeys: unknown[] }
        ).apikeys.length;
      const before = await keys();
      const p = await runCli(
        [
          'provision',
          '--profile',
          'guarded',
          '--best',
          '--no-check',
          '--json',
          '--profiles',
          profiles,
          '--api-url',
          sim2.url,
          '--api-key',
          sim2.apiKey,
        ],
        { env: homeEnv(dir) },
      );
      assert.equal(p.code, 0, p.err);
      const out = JSON.parse(p.out);
      assert.equal(out.outcome, 'running');
      assert.equal(out.watchdog.armed, false);
      const warnings = p.err.split('\n').filter((l) => /host watchdog NOT armed/.test(l));
      assert.equal(warnings.length, 1, p.err);
      assert.match(
        warnings[0]!,
        new RegExp(
          `^warning: host watchdog NOT armed on instance ${out.instanceId}: could not start the watchdog on ` +
            `instance ${out.instanceId}: .*the rental stands`,
        ),
      );
      assert.equal(await keys(), before, 'the scoped key it made is revoked');
      assert.equal(
        (await new VastClient({ apiKey: sim2.apiKey, baseUrl: sim2.url }).showInstance(out.instanceId)).status,
        'running',
      );
    } finally {
      await sim2.close();
    }
  });

  test('--no-wait: not armed, said in one warning line, the rental stands', async () => {
    const p = await cli(['provision', '--profile', 'guarded', '--best', '--no-wait', '--json']);
    assert.equal(p.code, 0, p.err);
    const out = JSON.parse(p.out);
    assert.deepEqual(out.watchdog, { armed: false, error: 'not running yet (--no-wait)' });
    assert.match(
      p.err,
      new RegExp(
        `warning: host watchdog NOT armed on instance ${out.instanceId}: it was not running yet \\(--no-wait\\)`,
      ),
    );
    assert.notEqual(await statusOf(out.instanceId), 'stopped');
  });
});
