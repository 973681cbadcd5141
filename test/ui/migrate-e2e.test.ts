/**
 * End-to-end in REAL tmux against the bundled `vastdeck --demo` (run `npm run build` first): on the demo fleet,
 * D on mosaic-gpt2-1 shows what would be lost, then M runs the migration wizard to the end — a new host rented
 * with the migration id in its label, resumed from the checkpoint, the old one destroyed — all on screen.
 * Own tmux socket, own HOME and state dir (so the journal and SSH key are fresh), CI=false for the child.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tmuxSession, tmuxSkip } from '../helpers/tmux.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'vd-migrate-e2e-'));
const session = tmuxSession(`vd-migrate-e2e-${process.pid}`, 'mig');
const { send } = session;
/** Waits for the screen; a failed migration step (✗ N.) ends the wait at once. */
const waitFor = (pred: (screen: string) => boolean, what: string, ms = 20_000) =>
  session.waitFor(pred, what, ms, (s) => /✗ \d\./.test(s));

describe('migration wizard on the demo fleet in real tmux', { skip: tmuxSkip() }, () => {
  after(() => {
    session.kill();
    rmSync(home, { recursive: true, force: true });
  });

  test('D shows host vs verified step; M: profile, confirm, eight steps done, old host gone, new one listed', async () => {
    const env =
      `CI=false HOME=${home} XDG_STATE_HOME=${home}/state XDG_CONFIG_HOME=${home}/config VAST_API_KEY= ` +
      `SSH_AUTH_SOCK=`;
    session.start(`env ${env} node bin/vastdeck.js --demo; echo EXIT=$?; sleep 30`);
    await waitFor((s) => /mosaic-gpt2-1\s/.test(s), 'demo fleet', 30_000);
    send('/');
    send('-l', 'mosaic-gpt2-1');
    send('Enter');
    await waitFor((s) => s.includes('filter mosaic-gpt2-1') && /1\/\d+ instances/.test(s), 'filtered to one row');

    send('D');
    let screen = await waitFor(
      (s) => /newest checkpoint on the host: step \d+ {3}newest verified off it: (step \d+|none)/.test(s),
      'destroy plan',
    );
    assert.match(screen, /Destroy \d+ mosaic-gpt2-1 \(running\)/);
    assert.match(screen, /destroy it\? \[y\/n\]|Type the label "mosaic-gpt2-1"/);
    send(screen.includes('[y/n]') ? 'n' : 'Escape');
    await waitFor((s) => !s.includes('newest checkpoint on the host'), 'destroy closed');

    send('M');
    await waitFor((s) => s.includes('choose the profile') && s.includes('> mosaic-gpt2'), 'profile list');
    send('Enter');
    // The confirmation names what it will rent: same GPU model as the source, count, $/hr, location, label.
    await waitFor(
      (s) =>
        s.includes('with profile mosaic-gpt2?') &&
        /Rents \d+× .+ at \$[\d.]+\/hr in .+ \(offer \d+\), labelled mosaic-gpt2-1x\d{4}/.test(s),
      'confirmation naming the rental',
    );
    send('y');
    await waitFor(
      (s) => s.includes('Migrating') && /[✓…] 1\. verify the checkpoint off the source host/.test(s),
      'progress starts',
    );
    // Step 8's tick and the closing summary line can land in separate frames: wait for both.
    screen = await waitFor(
      (s) => /✓ 8\. update the continuation file/.test(s) && /migrated \d+ → \d+/.test(s),
      'all eight steps and the summary',
      120_000,
    );
    for (let i = 1; i <= 8; i++) assert.match(screen, new RegExp(`✓ ${i}\\. `), `step ${i} done`);
    assert.match(screen, /✓ 6\. step advancing on the target: step (\d+) → (\d+)/);
    assert.match(screen, /migrated \d+ → \d+ \(mosaic-gpt2-1x\d{4}\), resumed at step \d+/);

    // Two Escapes sent at once can arrive in one read and be parsed as one key: close the wizard, see it closed,
    // then clear the filter.
    send('Escape');
    await waitFor((s) => !s.includes('Migrating'), 'wizard closed');
    send('Escape');
    screen = await waitFor(
      (s) => /mosaic-gpt2-1x\d{4}/.test(s) && !/ mosaic-gpt2-1\s/.test(s),
      'new host listed, old one gone',
      30_000,
    );
    send('q');
    await waitFor((s) => s.includes('EXIT=0'), 'exit');
    // The demo journals and trusts host keys in its own folder, never in the real account's.
    assert.ok(existsSync(`${home}/state/vastdeck/demo/journal.jsonl`), 'the demo journal');
    assert.ok(existsSync(`${home}/state/vastdeck/demo/known_hosts`), "the demo's known_hosts");
    assert.ok(
      !existsSync(`${home}/state/vastdeck/journal.jsonl`) && !existsSync(`${home}/state/vastdeck/known_hosts`),
      'nothing in the real state dir',
    );
  });
});
