/**
 * End-to-end in REAL tmux against the bundled `vastdeck --demo` (run `npm run build` first): the cost panel ($)
 * shows burn, credit, runway and spend and escape goes back; `:keep` runs the fleet keeper on the demo's
 * mosaic-gpt2 swarm (bootstrap weights checked on the demo's Hub stand-in), its decisions show in the panel and
 * in the journal, and K stops it. Own tmux socket, own HOME and state dir, CI=false for the child.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tmuxSession, tmuxSkip } from '../helpers/tmux.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'vd-keeper-e2e-'));
const { start, send, waitFor, kill } = tmuxSession(`vd-keeper-e2e-${process.pid}`, 'kp');

describe('cost panel and keeper on the demo fleet in real tmux', { skip: tmuxSkip() }, () => {
  before(async () => {
    const env =
      `CI=false HOME=${home} XDG_STATE_HOME=${home}/state XDG_CONFIG_HOME=${home}/config VAST_API_KEY= ` +
      `SSH_AUTH_SOCK=`;
    start(`env ${env} node bin/vastdeck.js --demo; echo EXIT=$?; sleep 30`);
    await waitFor((s) => /mosaic-gpt2-1\s/.test(s), 'demo fleet', 30_000);
  });
  after(() => {
    kill();
    rmSync(home, { recursive: true, force: true });
  });

  test('$ shows burn, credit, runway and spend per instance; escape returns to the table', async () => {
    send('$');
    const screen = await waitFor(
      (s) => /SPEND PER INSTANCE/.test(s) && /credit\s+\$[\d,]+\.\d\d\s+runway /.test(s),
      'cost panel',
    );
    assert.match(screen, /burn now\s+\$\d+\.\d+\/hr\s+\$[\d,]+\.\d\d\/day/);
    assert.match(screen, /credit\s+\$[\d,]+\.\d\d\s+runway (\d|–)/);
    assert.match(screen, /^\s+ID\s+LABEL\s+STATUS\s+SPENT\s+\$\/HR\s+CHECK/m);
    assert.match(screen, /^\s+total\s+\$[\d,]+\.\d\d/m);
    assert.doesNotMatch(screen, /^ ID\s+LABEL\s+GPU\s+STATUS/m, 'the panel replaces the table');
    send('Escape');
    await waitFor((s) => /^ ID\s+LABEL\s+GPU\s+STATUS/m.test(s) && !/SPEND PER INSTANCE/.test(s), 'back to the table');
  });

  test(':keep checks the bootstrap weights, launches the missing workers, lists its decisions; K stops it', async () => {
    send(':');
    send('-l', 'keep 9 mosaic-gpt2 mosaic-gpt2');
    send('Enter');
    // :keep rents: it shows the plan and starts only on y.
    await waitFor(
      (s) => /keep 9 workers labelled mosaic-gpt2\* from profile mosaic-gpt2/.test(s) && /start it\? \[y\/n\]/.test(s),
      'the plan to confirm',
      30_000,
    );
    send('y');
    let screen = await waitFor(
      (s) => /keeper · keeping 9 of mosaic-gpt2 \(profile mosaic-gpt2\)/.test(s),
      'keeper panel',
      30_000,
    );
    screen = await waitFor((s) => /launch: .* -> launched \d+ of \d+/.test(s), 'a launch decision', 60_000);
    assert.match(screen, /bootstrap weights found in .*demo\/mosaic-gpt2.*\(newest step \d+\)/);
    assert.match(screen, /\d\d:\d\d:\d\d \d+ workers: /);
    const launched = Number(/-> launched (\d+) of/.exec(screen)![1]);
    assert.ok(launched > 0, `launched ${launched}`);
    send('K');
    screen = await waitFor(
      (s) => /keeper · stopped/.test(s) && /keeper stopped; the fleet is left running/.test(s),
      'keeper stopped',
      30_000,
    );

    // Journaled like the CLI: a before and an after record for the launch, with the fleet and the reason.
    // --demo journals in its own folder (the state dir's demo/).
    const journal = readFileSync(path.join(home, 'state', 'vastdeck', 'demo', 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const launch = journal.filter((r) => r.op === 'keeper.launch');
    assert.deepEqual(launch.map((r) => r.phase).slice(0, 2), ['before', 'after']);
    assert.equal(launch[0].details.fleet, 'mosaic-gpt2');
    assert.match(launch[0].details.reason, /\w/);
    assert.ok(launch[1].details.launched.length > 0);
  });
});
