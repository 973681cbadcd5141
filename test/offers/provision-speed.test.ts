import { test } from 'node:test';
import assert from 'node:assert/strict';
import { provision, type ProvisionEvent } from '../../src/core/ops/provision.js';
import { MemoryJournal } from '../../src/core/journal/journal.js';
import { parseProfiles } from '../../src/core/profiles/load.js';
import { PROFILES_YAML } from '../profiles/fixtures.js';
import { offer } from '../checks/offer-fixture.js';
import { FakeVast } from '../ops/fake-api.js';
import { measureDownload } from '../../src/core/ops/speedtest.js';

const gpt2 = parseProfiles(PROFILES_YAML, 'p.yaml').gpt2!;

function setup() {
  const api = new FakeVast([offer({ id: 11, numGpus: 4, gpuTotalRamGb: 98, cpuRamGb: 128, inetDownMbps: 900 })]);
  api.secrets = { WANDB_API_KEY: 'wandb-value-123' };
  let t = 1_000_000;
  const events: ProvisionEvent[] = [];
  const deps = {
    api,
    journal: new MemoryJournal([], () => t),
    now: () => t,
    sleep: async (ms: number) => void (t += ms),
    env: { HF_TOKEN: 'hf_SECRETsecretSECRET0123456789' },
    nonce: () => 'nonce000',
  };
  return { api, deps, events };
}

test('provision runs the speed test after boot: result and event carry it, a slow host warns', async () => {
  const s = setup();
  // The remote runs curl: a host that really does 1.5 Mbps (187500 bytes/s) behind a 900 Mbps advert.
  const exec = async () => ({ stdout: '187500.000', stderr: '', code: 0, truncated: false });
  const r = await provision(s.deps, {
    profile: gpt2,
    profileName: 'gpt2',
    candidates: s.api.offers,
    price: { kind: 'on-demand' },
    onEvent: (e) => s.events.push(e),
    create: { reconcilePauseMs: 1000 },
    boot: { pollMs: 10_000 },
    speedtest: (inst, o) =>
      measureDownload(exec, { host: '127.0.0.1', port: inst.sshPort ?? 1 }, ['https://example.org/f'], {
        advertisedMbps: o.inetDownMbps,
      }),
  });
  assert.equal(r.outcome, 'running');
  assert.equal(r.speed!.bestMbps, 1.5);
  assert.ok(s.events.some((e) => e.type === 'speed' && e.result.bestMbps === 1.5));
  assert.ok(
    s.events.some((e) => e.type === 'warning' && /1\.5 Mbps, far below the advertised 900 Mbps/.test(e.message)),
  );
});

test('a speed test that throws is a warning; the running rental stands', async () => {
  const s = setup();
  const r = await provision(s.deps, {
    profile: gpt2,
    profileName: 'gpt2',
    candidates: s.api.offers,
    price: { kind: 'on-demand' },
    onEvent: (e) => s.events.push(e),
    create: { reconcilePauseMs: 1000 },
    boot: { pollMs: 10_000 },
    speedtest: async () => {
      throw new Error('ssh: connection refused');
    },
  });
  assert.equal(r.outcome, 'running');
  assert.equal(r.speed, undefined);
  assert.ok(
    s.events.some((e) => e.type === 'warning' && /download speed test failed: ssh: connection refused/.test(e.message)),
  );
});
