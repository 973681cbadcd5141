/**
 * The watchdog's profile option and its wiring without a real host: the schema refuses a broken block with a
 * line naming it, old journal records (no watchdog) still read, a failed arm revokes the key it made and journals
 * nothing, and heartbeats go only to running instances whose rules have a watchdog.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProfiles } from '../../src/core/profiles/load.js';
import { describeRules, rulesFromProfile, rulesFromRecord, KEEP_ALL } from '../../src/core/lifecycle/rules.js';
import { armInstanceWatchdog, touchHeartbeats, watchdogSpecFor } from '../../src/core/lifecycle/watchdog-arm.js';
import { MemoryJournal } from '../../src/core/journal/journal.js';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import type { Instance } from '../../src/core/vast/types.js';
import type { RentalRules } from '../../src/core/lifecycle/journal.js';

const profile = (lifecycle: string) =>
  [
    'profiles:',
    '  p:',
    '    model: gpt2',
    '    image: pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime',
    '    diskGb: 40',
    `    lifecycle: ${lifecycle}`,
    '',
  ].join('\n');

test('lifecycle.watchdog: parsed with maxRuntime, defaults checkEvery to 1m, refuses bad blocks by name', () => {
  const p = parseProfiles(profile('{ maxRuntime: 12h, watchdog: { heartbeatStale: 30m } }'), 'p.yaml').p!;
  const rules = rulesFromProfile(p.lifecycle);
  assert.deepEqual(rules.watchdog, { heartbeatStaleMs: 1_800_000, checkEveryMs: 60_000 });
  assert.match(describeRules(rules), /maxRuntime 12h00m→stop, host watchdog \(heartbeat stale 30m→stop\)/);
  assert.deepEqual(watchdogSpecFor(rules, 7, 'https://console.vast.ai'), {
    apiUrl: 'https://console.vast.ai',
    instanceId: 7,
    maxRuntimeSec: 43_200,
    heartbeatMaxAgeSec: 1800,
    everySec: 60,
  });
  assert.equal(watchdogSpecFor(rulesFromProfile(undefined), 7, 'x'), null, 'no block, no watchdog');
  assert.throws(
    () => parseProfiles(profile('{ watchdog: { heartbeatStale: soon } }'), 'p.yaml'),
    /heartbeatStale[\s\S]*expected a duration like 20m/,
  );
  assert.throws(() => parseProfiles(profile('{ watchdog: {} }'), 'p.yaml'), /heartbeatStale/);
  assert.throws(() => parseProfiles(profile('{ watchdog: { heartbeatStale: 30m, key: abc } }'), 'p.yaml'), /key/);
});

test('journal records: with a watchdog they round-trip; older ones without it still read', () => {
  const rules = rulesFromProfile(
    parseProfiles(profile('{ watchdog: { heartbeatStale: 10m, checkEvery: 30s } }'), 'p.yaml').p!.lifecycle,
  );
  assert.deepEqual(rulesFromRecord(JSON.parse(JSON.stringify(rules)))?.watchdog, {
    heartbeatStaleMs: 600_000,
    checkEveryMs: 30_000,
  });
  const old = rulesFromRecord({ ...KEEP_ALL });
  assert.ok(old);
  assert.ok(!old.watchdog);
});

describe('arming and heartbeats against the simulator', () => {
  let sim: SimHandle;
  let client: VastClient;
  before(async () => {
    sim = await startSimulator({
      rateLimit: false,
      seed: 61,
      hosts: false,
      scenario: { market: { size: 200, traps: false }, fleet: [{ label: 'a', gpu: 'RTX 4090' }] },
    });
    client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
  });
  after(async () => sim?.close());
  const keyCount = async () =>
    (
      (await (
        await fetch(`${sim.url}/api/v0/auth/apikeys/`, { headers: { Authorization: `Bearer ${sim.apiKey}` } })
      ).json()) as { apikeys: unknown[] }
    ).apikeys.length;

  test('a host that refuses: the key is revoked, nothing journaled, the error names the instance; the key was a secret first', async () => {
    const [inst] = await client.listInstances();
    const journal = new MemoryJournal();
    const secrets: string[] = [];
    const before = await keyCount();
    const spec = watchdogSpecFor(
      rulesFromProfile({
        onFinish: 'keep',
        onCrash: 'keep',
        onOutbid: 'keep',
        watchdog: { heartbeatStale: '5m', checkEvery: '1m' },
      }),
      inst!.id,
      sim.url,
    )!;
    await assert.rejects(
      armInstanceWatchdog(
        {
          api: client,
          journal,
          onSecret: (k) => secrets.push(k),
          exec: async () => ({ stdout: '', stderr: 'bash: /root/.vastdeck: Read-only file system', code: 1 }),
        },
        spec,
      ),
      new RegExp(`could not start the watchdog on instance ${inst!.id}: bash: /root/.vastdeck: Read-only file system`),
    );
    assert.equal(secrets.length, 1, 'the key was handed over for redaction');
    assert.equal(await keyCount(), before, 'the scoped key it created is revoked');
    assert.deepEqual(journal.records, []);
  });

  test('heartbeats: only running instances with a watchdog rule; one dead host is reported, the others still get theirs', async () => {
    const inst = (id: number, status: Instance['status']) => ({ id, status }) as Instance;
    const rules = new Map<number, RentalRules>([
      [
        1,
        {
          instanceId: 1,
          label: null,
          runId: null,
          profile: null,
          rules: { ...KEEP_ALL, watchdog: { heartbeatStaleMs: 1, checkEveryMs: 1 } },
        },
      ],
      [
        2,
        {
          instanceId: 2,
          label: null,
          runId: null,
          profile: null,
          rules: { ...KEEP_ALL, watchdog: { heartbeatStaleMs: 1, checkEveryMs: 1 } },
        },
      ],
      [3, { instanceId: 3, label: null, runId: null, profile: null, rules: { ...KEEP_ALL } }],
      [
        4,
        {
          instanceId: 4,
          label: null,
          runId: null,
          profile: null,
          rules: { ...KEEP_ALL, watchdog: { heartbeatStaleMs: 1, checkEveryMs: 1 } },
        },
      ],
    ]);
    const sent: Array<[number, string]> = [];
    const out = await touchHeartbeats(
      [inst(1, 'running'), inst(2, 'running'), inst(3, 'running'), inst(4, 'stopped'), inst(5, 'running')],
      rules,
      (i) => async (cmd) => {
        sent.push([i.id, cmd]);
        return i.id === 2
          ? { stdout: '', stderr: 'connection refused', code: 255 }
          : { stdout: '', stderr: '', code: 0 };
      },
      '/wd',
    );
    assert.deepEqual(sent, [
      [1, 'date +%s > /wd/heartbeat'],
      [2, 'date +%s > /wd/heartbeat'],
    ]);
    assert.deepEqual(out, [
      { instanceId: 1, ok: true },
      { instanceId: 2, ok: false, error: 'heartbeat failed: connection refused' },
    ]);
  });
});
