// One truth across views: an instance's display status and its current $/hr come from one function, and the
// fleet table, the cost panel's spend rows, the keeper and `vastdeck instances` all show the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { instanceView } from '../../src/core/fleet/status.js';
import { FLEET_COLUMNS, fleetRow } from '../../src/core/present/fleet-columns.js';
import { spendBySource } from '../../src/core/cost/spend.js';
import { makeInstance } from '../ui/fake-api.js';
import { startSimulator } from '../../src/sim/index.js';
import { homeEnv, runCli } from '../helpers/run-cli.js';

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const outbid = makeInstance(0, {
  id: 11,
  status: 'stopped',
  isBid: true,
  dphTotal: 2.94,
  storageDph: 0.038,
  startedAt: NOW - 5 * 3_600_000,
});
const loading = makeInstance(1, {
  id: 12,
  status: 'loading',
  dphTotal: 0.5,
  storageDph: 0.02,
  startedAt: NOW - 30 * 60_000,
});
/** The text of one column of the shared fleet columns (the TUI's table and `vastdeck instances`). */
const cell = (id: string, inst: typeof outbid) =>
  FLEET_COLUMNS.find((c) => c.id === id)!.render(fleetRow(inst, NOW, undefined, undefined));

test('one function: an outbid instance costs its storage now; a long load is stuck', () => {
  assert.deepEqual(instanceView(outbid, NOW, undefined), {
    status: 'outbid',
    level: 'warn',
    dph: 0.038,
    billing: 'storage',
  });
  assert.deepEqual(instanceView(loading, NOW, undefined), {
    status: 'stuck',
    level: 'warn',
    dph: 0.02,
    billing: 'storage',
  });
  const running = makeInstance(2, { status: 'running', dphTotal: 0.5 });
  assert.equal(instanceView(running, NOW, undefined).dph, 0.5);
});

test('the fleet row and the cost panel spend row say the same status and $/hr', () => {
  assert.equal(cell('status', outbid), 'outbid');
  assert.match(cell('price', outbid), /^\$0\.038/);
  const charge = {
    type: 'instance' as const,
    source: 'instance 11',
    instanceId: 11,
    description: 'x',
    amount: 1,
    start: NOW - 3_600_000,
    end: NOW,
  };
  const [spend] = spendBySource([charge], [outbid], NOW);
  assert.equal(spend!.status, 'outbid');
  assert.equal(spend!.burnPerHour, 0.038);
  const [spend2] = spendBySource([{ ...charge, source: 'instance 12', instanceId: 12 }], [loading], NOW);
  assert.equal(spend2!.status, 'stuck');
  assert.equal(cell('status', loading), 'stuck');
});

test('vastdeck instances says outbid at its storage rate and stuck, as the TUI does', async () => {
  const sim = await startSimulator({
    seed: 3,
    rateLimit: false,
    hosts: false,
    scenario: {
      market: { size: 100, traps: false },
      fleet: [
        { label: 'bid-one', gpu: 'RTX 4090', status: 'stopped', outbid: true, interruptible: true, age: '5h' },
        { label: 'slow-boot', gpu: 'RTX 4090', status: 'loading', stuck: true, age: '40m' },
      ],
    },
  });
  const home = mkdtempSync(path.join(os.tmpdir(), 'vd-truth-'));
  try {
    const insts = await (await import('../../src/core/vast/client.js')).VastClient.prototype.listInstances.call(
      new (await import('../../src/core/vast/client.js')).VastClient({ apiKey: sim.apiKey, baseUrl: sim.url }),
    );
    const bid = insts.find((i) => i.label === 'bid-one')!;
    const r = await runCli(['instances', '--api-url', sim.url, '--api-key', sim.apiKey], {
      env: { ...homeEnv(home), COLUMNS: '200' },
    });
    assert.equal(r.code, 0, r.err);
    const line = (label: string) => r.out.split('\n').find((l) => l.includes(label)) ?? '';
    assert.match(line('bid-one'), /\boutbid\b/);
    assert.ok(
      line('bid-one').includes(bid.storageDph.toFixed(3)),
      `${line('bid-one')} shows the storage rate ${bid.storageDph}`,
    );
    assert.ok(!line('bid-one').includes(bid.dphTotal.toFixed(3)), 'not the GPU price');
    assert.match(line('slow-boot'), /\bstuck\b/);
  } finally {
    await sim.close();
    rmSync(home, { recursive: true, force: true });
  }
});
