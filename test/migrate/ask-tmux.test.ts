// The migrate CLI on a terminal (real tmux) when the source host stops answering: it asks — w wait, r resume from
// the newest checkpoint in the store, a abort; Ctrl-C at the question cancels the question, not the migration —
// and r continues to the end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { readJournal } from '../../src/core/journal/journal.js';
import { MIGRATE_STEPS, migrationsFromJournal } from '../../src/core/ops/migrate.js';
import type { SimHandle } from '../../src/sim/index.js';
import type { VastClient } from '../../src/core/vast/client.js';
import { hasTmux, tmuxSession } from '../helpers/tmux.js';
import { skipOutsideCi } from '../helpers/require-tool.js';
import { writeTestKey } from '../helpers/ssh-key.js';
import { bundleCli, crashHome, crashSim } from './crash-helpers.js';
import { waitFor } from '../helpers/wait.js';

let sim: SimHandle;
let client: VastClient;
let bundle: string;
let home: ReturnType<typeof crashHome>;
const session = tmuxSession(`vd-ask-${process.pid}`, 'ask');

describe('the unreachable-source question on a terminal', {
  skip: skipOutsideCi(!hasTmux && 'tmux not installed'),
}, () => {
  before(async () => {
    [bundle, { sim, client }] = await Promise.all([bundleCli(), crashSim([1])]);
    home = crashHome([1]);
  });
  after(async () => {
    session.kill();
    await sim.close();
    rmSync(home.home, { recursive: true, force: true });
    rmSync(bundle, { force: true });
  });

  test('asked; Ctrl-C cancels the question only; r resumes from the store and finishes', async () => {
    const source = (await client.listInstances()).find((i) => i.label === 'src-1')!;
    await waitFor(() => (sim.hosts!.trainer(source.id)?.step ?? 0) >= 300, {
      what: 'the source trained past checkpoint 300',
      intervalMs: 50,
    });
    sim.hosts!.unplug(source.id);
    const state = path.join(home.home, 'st');
    // vastdeck's own key, registered on the simulated account (crashSim): the target host accepts it.
    writeTestKey(path.join(state, 'vastdeck', 'id_ed25519'));
    const env =
      `CI=false HOME=${home.home} XDG_STATE_HOME=${state} XDG_CONFIG_HOME=${home.home}/cfg VAST_API_KEY= ` +
      `SSH_AUTH_SOCK= HF_ENDPOINT=${sim.hubUrl} HF_TOKEN=`;
    const cli =
      `env ${env} node ${bundle} migrate --api-url ${sim.url} ` + `--api-key ${sim.apiKey} --poll 0.1 --upload-wait 60`;
    session.start(
      `${cli} ${source.id} --profile run-1 --profiles ${home.profiles}; echo EXIT=$?; ${cli} --resume; echo ` +
        `EXIT2=$?; sleep 30`,
    );
    const ask = new RegExp(
      [
        'source \\d+ stopped answering\\. w wait on, r resume from checkpoint-(\\d+) \\(the newest in ',
        'hf:me\\/run-1@main\\), a abort the migration\\? \\[w\\/r\\/a\\]',
      ].join(''),
    );
    let screen = await session.waitFor((s) => ask.test(s), 'the question', 30_000);
    session.send('C-c');
    screen = await session.waitFor(
      (s) => s.includes('question cancelled: waiting on'),
      'Ctrl-C cancels the question',
      5000,
    );
    assert.doesNotMatch(screen, /EXIT=|paused during/, 'the migration goes on');
    // Outside the question Ctrl-C pauses the migration, journaled.
    session.send('C-c');
    screen = await session.waitFor((s) => s.includes('EXIT=130'), 'paused by Ctrl-C', 5000);
    assert.match(screen, /paused during step 1/);

    // --resume asks again; r resumes from the newest checkpoint in the store and runs to the end.
    screen = await session.waitFor(
      (s) => s.split('EXIT=130')[1] !== undefined && ask.test(s.split('EXIT=130')[1]!),
      'asked again on --resume',
      30_000,
    );
    const offered = Number(ask.exec(screen.split('EXIT=130')[1]!)![1]);
    session.send('r', 'Enter');
    screen = await session.waitFor((s) => /EXIT2=\d+/.test(s), 'the resumed run ends', 90_000);
    assert.match(screen, /EXIT2=0/, screen);
    const [m] = migrationsFromJournal((await readJournal(path.join(state, 'vastdeck', 'journal.jsonl'))).records);
    assert.deepEqual(m!.state.done, [...MIGRATE_STEPS]);
    assert.ok(
      m!.state.verifiedStep! >= offered,
      `resumed from the store's checkpoint (${m!.state.verifiedStep} >= ${offered})`,
    );
  });
});
