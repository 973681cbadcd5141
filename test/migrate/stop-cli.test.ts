// The migrate CLI against the simulator when the source host stops answering (ECONNREFUSED while Vast still says
// running): it waits with a countdown, Ctrl-C pauses it at once with the journal consistent, and
// `--resume --allow-behind` continues from the newest checkpoint in the store to the end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { readJournal } from '../../src/core/journal/journal.js';
import { MIGRATE_STEPS, interruptedMigrations, migrationsFromJournal } from '../../src/core/ops/migrate.js';
import { nonceOf } from '../../src/core/ops/provision-create.js';
import type { SimHandle } from '../../src/sim/index.js';
import type { VastClient } from '../../src/core/vast/client.js';
import { bundleCli, crashHome, crashSim, runMigrate } from './crash-helpers.js';
import { waitFor } from '../helpers/wait.js';

let sim: SimHandle;
let client: VastClient;
let bundle: string;
let home: ReturnType<typeof crashHome>;

before(async () => {
  [bundle, { sim, client }] = await Promise.all([bundleCli(), crashSim([1])]);
  home = crashHome([1]);
});
after(async () => {
  await sim.close();
  rmSync(home.home, { recursive: true, force: true });
  rmSync(bundle, { force: true });
});

test('unreachable source: countdown, Ctrl-C pauses at once (journaled), --resume --allow-behind finishes from the store', async () => {
  const source = (await client.listInstances()).find((i) => i.label === 'src-1')!;
  // Let a few checkpoints reach the Hub first, then the host stops answering.
  const job = () => sim.hosts!.trainer(source.id);
  await waitFor(() => (job()?.step ?? 0) >= 300, { what: 'the source trained past checkpoint 300', intervalMs: 50 });
  sim.hosts!.unplug(source.id);
  const stateHome = path.join(home.home, 'case');
  const journalFile = path.join(stateHome, 'state', 'vastdeck', 'journal.jsonl');

  let sentAt = 0;
  const stopped = await runMigrate(
    bundle,
    sim,
    stateHome,
    [String(source.id), '--profile', 'run-1', '--profiles', home.profiles],
    {},
    {
      afterMs: 0,
      when: (err) => {
        const yes = /waiting for the checkpoint upload: [\d:]+( s)? left of 1:00/.test(err);
        if (yes && !sentAt) sentAt = Date.now();
        return yes;
      },
    },
  );
  const took = Date.now() - sentAt;
  assert.match(stopped.err, /ECONNREFUSED/, 'the reason shows');
  assert.equal(stopped.code, 130, `paused, not killed:\n${stopped.err}`);
  assert.ok(took < 3000, `stopped at once (${took} ms)`);
  assert.match(stopped.out, /paused during step 1 .*Ctrl-C/);
  assert.match(stopped.out, /continue with: vastdeck migrate --resume [a-z0-9]{8}/);
  const [m] = interruptedMigrations((await readJournal(journalFile)).records);
  assert.ok(m, 'still resumable');
  assert.match(m.lastError ?? '', /paused during step 1/);
  assert.equal((await readJournal(journalFile)).records.at(-1)!.op, 'migrate.pause', 'the pause is the last record');

  const resumed = await runMigrate(bundle, sim, stateHome, ['--resume', '--allow-behind']);
  assert.equal(resumed.code, 0, `resume failed:\n${resumed.err}\n${resumed.out}`);
  const [done] = migrationsFromJournal((await readJournal(journalFile)).records);
  assert.deepEqual(done!.state.done, [...MIGRATE_STEPS]);
  assert.ok(done!.state.verifiedStep! >= 300 && done!.state.verifiedStep! % 100 === 0);
  const end = await client.listInstances();
  assert.equal(end.filter((i) => nonceOf(i) === m.spec.id).length, 1, 'one target');
  assert.ok(!end.some((i) => i.id === source.id), 'the unreachable source was destroyed after the target advanced');
});
