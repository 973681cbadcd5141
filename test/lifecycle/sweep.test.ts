/** `vastdeck sweep` against the simulator: an instance created behind vastdeck's back is found, with its cost. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { readJournal } from '../../src/core/journal/journal.js';
import { isOwned, ownersFrom } from '../../src/core/lifecycle/sweep.js';
import { rentOne } from '../sim/helpers.js';
import { makeInstance } from '../ui/fake-api.js';
import { homeEnv, runCli, type CliRun } from '../helpers/run-cli.js';

describe('sweep', () => {
  let sim: SimHandle;
  let client: VastClient;
  let dir: string;
  let profiles: string;
  before(async () => {
    sim = await startSimulator({
      rateLimit: false,
      seed: 41,
      hosts: false,
      scenario: {
        market: { size: 400, traps: false },
        fleet: [
          { label: 'forgotten', gpu: 'RTX 3090', status: 'stopped', age: '3d' },
          { label: 'night-1', gpu: 'RTX 4090', age: '2h' },
        ],
      },
    });
    client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
    dir = mkdtempSync(path.join(os.tmpdir(), 'vd-sweep-'));
    profiles = path.join(dir, 'profiles.yaml');
    writeFileSync(
      profiles,
      'profiles:\n  plain:\n    model: gpt2\n    image: pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime\n    ' +
        'diskGb: 40\n',
    );
  });
  after(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const cli = (args: string[]): Promise<CliRun> =>
    runCli([...args, '--api-url', sim.url, '--api-key', sim.apiKey], { env: homeEnv(dir) });

  test('finds the instance rented with the official CLI’s request and the stopped one; not vastdeck’s or the fleet’s', async () => {
    const mine = await cli([
      'provision',
      '--profile',
      'plain',
      '--profiles',
      profiles,
      '--best',
      '--no-wait',
      '--json',
    ]);
    assert.equal(mine.code, 0, mine.err);
    const ours = JSON.parse(mine.out).instanceId as number;
    // Created behind vastdeck's back: the body the official CLI sends for `create instance`.
    const { id: byHand } = await rentOne(sim, { label: 'quick-test' });
    sim.advance(3 * 3_600_000);
    const r = await cli(['sweep', '--fleet', 'night-', '--json']);
    assert.equal(r.code, 0, r.err);
    const rows = JSON.parse(r.out) as Array<{
      instanceId: number;
      label: string;
      reasons: string[];
      spent: number;
      perDay: number;
      status: string;
    }>;
    const forgotten = (await client.listInstances()).find((i) => i.label === 'forgotten')!;
    assert.deepEqual(rows.map((x) => [x.label, x.reasons]).sort(), [
      ['forgotten', ['unowned', 'stopped']],
      ['quick-test', ['unowned']],
    ]);
    const hand = rows.find((x) => x.instanceId === byHand)!;
    assert.ok(hand.spent > 0, 'three hours of charges');
    const inst = (await client.listInstances()).find((i) => i.id === byHand)!;
    assert.ok(Math.abs(hand.perDay - inst.dphTotal * 24) < 0.01);
    assert.ok(
      Math.abs(rows.find((x) => x.label === 'forgotten')!.perDay - forgotten.storageDph * 24) < 0.01,
      'stopped: storage only',
    );
    assert.ok(!rows.some((x) => x.instanceId === ours));
    const text = await cli(['sweep', '--fleet', 'night-']);
    assert.match(text.out, /2 instances billing unwatched, \$\d+\.\d\d\/day:/);
    assert.match(
      text.out,
      new RegExp(
        `${byHand}  quick-test  \\w+  \\$\\d+\\.\\d\\d so far  \\$\\d+\\.\\d\\d/day  \\(no fleet or journal ` +
          `record owns it\\)`,
      ),
    );
  });

  test('--destroy goes through the safe destroy: unverifiable ones refused without --force, destroyed and journaled with it', async () => {
    const refused = await cli(['sweep', '--fleet', 'night-', '--unowned', '--destroy', '--yes']);
    assert.equal(refused.code, 1);
    assert.match(refused.out, /refused/);
    assert.equal(
      (await client.listInstances()).filter((i) => ['forgotten', 'quick-test'].includes(i.label ?? '')).length,
      2,
    );
    const forced = await cli(['sweep', '--fleet', 'night-', '--unowned', '--destroy', '--force', '--json']);
    assert.equal(forced.code, 0, forced.err);
    const left = (await client.listInstances()).map((i) => i.label);
    assert.ok(!left.includes('forgotten') && !left.includes('quick-test') && left.includes('night-1'));
    const j = await readJournal(path.join(dir, 'state', 'vastdeck', 'journal.jsonl'));
    assert.equal(j.records.filter((x) => x.op === 'destroy' && x.phase === 'after').length, 2);
    assert.match((await cli(['sweep', '--fleet', 'night-'])).out, /nothing bills unwatched/);
  });

  test('ownership: journaled id, journaled nonce in the label, fleet prefix', () => {
    const o = ownersFrom([
      { ts: 1, op: 'provision.create', phase: 'before', ids: { nonce: 'abcd1234' }, details: {} },
      { ts: 2, op: 'destroy', phase: 'after', ids: { instanceId: 77 }, details: {} },
      { ts: 3, op: 'keeper.launch', phase: 'after', ids: {}, details: { fleet: 'mosaic-' } },
    ]);
    assert.equal(isOwned(makeInstance(0, { id: 77, label: 'x' }), o), true);
    assert.equal(isOwned(makeInstance(0, { id: 1, label: 'gpt2-1x4090#abcd1234' }), o), true);
    assert.equal(isOwned(makeInstance(0, { id: 2, label: 'mosaic-7' }), o), true);
    assert.equal(isOwned(makeInstance(0, { id: 3, label: 'gpt2-1x4090#zzzz9999' }), o), false);
    assert.equal(
      isOwned(makeInstance(0, { id: 4, label: 'gpt2-1x4090', nonce: 'abcd1234' }), o),
      true,
      'the nonce in the env',
    );
    assert.equal(isOwned(makeInstance(0, { id: 5, label: 'gpt2-1x4090', nonce: 'zzzz9999' }), o), false);
    assert.equal(isOwned(makeInstance(0, { id: 4, label: null }), o), false);
  });
});
