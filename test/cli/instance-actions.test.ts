/** Headless stop / start / reboot / label against the simulator, journaled, --json; and Vast's change-bid call. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { readJournal } from '../../src/core/journal/journal.js';
import { homeEnv, runCli } from '../helpers/run-cli.js';

describe('stop / start / reboot / label', () => {
  let sim: SimHandle;
  let client: VastClient;
  let dir: string;
  before(async () => {
    sim = await startSimulator({
      rateLimit: false,
      seed: 5,
      hosts: false,
      scenario: {
        market: { size: 300 },
        fleet: [
          { label: 'job-a', gpu: 'RTX 4090' },
          { label: 'spot-b', gpu: 'RTX 3090', status: 'stopped', outbid: true },
        ],
      },
    });
    client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
    dir = mkdtempSync(path.join(os.tmpdir(), 'vd-actions-'));
  });
  after(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const cli = (args: string[]) =>
    runCli([...args, '--api-url', sim.url, '--api-key', sim.apiKey], { env: homeEnv(dir) });
  const byLabel = async (l: string) => (await client.listInstances()).find((i) => i.label === l)!;

  test('stop says storage still bills, start runs it again, each journaled before and after', async () => {
    const a = await byLabel('job-a');
    const r = await cli(['stop', String(a.id), '--json']);
    assert.equal(r.code, 0, r.err);
    const [res] = JSON.parse(r.out);
    assert.equal(res.ok, true);
    assert.match(res.message, /storage still bills \$\d+\.\d{3}\/hr/);
    assert.equal((await byLabel('job-a')).status, 'stopped');
    const s = await cli(['start', String(a.id)]);
    assert.equal(s.code, 0, s.err);
    assert.match(s.out, new RegExp(`starting ${a.id}`));
    assert.equal((await byLabel('job-a')).status, 'loading');
    const rb = await cli(['reboot', String(a.id), '--json']);
    assert.equal(rb.code, 0, rb.err);
    const j = await readJournal(path.join(dir, 'state', 'vastdeck', 'journal.jsonl'));
    assert.deepEqual(
      j.records.map((x) => [x.op, x.phase, x.ids.instanceId]),
      [
        ['instance.stop', 'before', a.id],
        ['instance.stop', 'after', a.id],
        ['instance.start', 'before', a.id],
        ['instance.start', 'after', a.id],
        ['instance.reboot', 'before', a.id],
        ['instance.reboot', 'after', a.id],
      ],
    );
  });

  test('label renames and journals the old label; an unknown id is named and nothing is sent', async () => {
    const a = await byLabel('job-a');
    const r = await cli(['label', String(a.id), 'job-renamed', '--json']);
    assert.equal(r.code, 0, r.err);
    assert.equal((await client.listInstances()).find((i) => i.id === a.id)!.label, 'job-renamed');
    const j = await readJournal(path.join(dir, 'state', 'vastdeck', 'journal.jsonl'));
    const rec = j.records.find((x) => x.op === 'instance.label' && x.phase === 'after')!;
    assert.deepEqual([rec.details.from, rec.details.to], ['job-a', 'job-renamed']);
    const bad = await cli(['stop', '1', '--json']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /instance 1 is not in your account/);
    assert.equal((await cli(['stop', 'abc'])).code, 2);
    assert.equal((await cli(['label', String(a.id)])).code, 2);
  });

  test('change bid: below the (risen) minimum is refused; a higher bid restarts an outbid instance on its disk', async () => {
    const b = await byLabel('spot-b');
    assert.equal(b.status, 'stopped');
    assert.equal(b.intendedStatus, 'running');
    const oldBid = b.dphTotal - b.storageDph;
    assert.ok(b.minBid! > oldBid, 'the market moved above the old bid');
    await assert.rejects(client.changeBid(b.id, oldBid), /below the minimum bid/);
    await client.changeBid(b.id, Math.round(b.minBid! * 1.2 * 1000) / 1000);
    const after = (await client.listInstances()).find((i) => i.id === b.id)!;
    assert.equal(after.status, 'loading');
    assert.ok(after.dphTotal - after.storageDph > b.minBid!);
    const a = await client.listInstances().then((l) => l.find((i) => !i.isBid)!);
    await assert.rejects(client.changeBid(a.id, 1), /on-demand/);
  });
});
