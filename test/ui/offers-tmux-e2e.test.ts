/**
 * The offer browser end to end in REAL tmux against the bundled `vastdeck --demo`: open offers, filter, inspect,
 * choose a profile, provision from it, and see the new instance boot in the fleet. CI=false in the child (under
 * CI=true Ink writes only the last frame); its own tmux socket and a temp XDG home (journal, SSH key, no user
 * profiles, so the shipped demo profiles are used).
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tmuxSession, tmuxSkip } from '../helpers/tmux.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'vd-offers-e2e-'));
const term = tmuxSession(`vd-offers-e2e-${process.pid}`, 'offers');
const { send } = term;
/** Waits up to 30 s: provisioning on the demo includes a boot. */
const waitFor = (pred: (s: string) => boolean, what: string, ms = 30_000) => term.waitFor(pred, what, ms);

describe('offer browser in real tmux (bundled --demo)', { skip: tmuxSkip() }, () => {
  after(() => {
    term.kill();
  });

  test('open offers, filter, inspect, profile, provision, see it boot in the fleet', async () => {
    const env =
      `CI=false XDG_CONFIG_HOME=${home}/config XDG_STATE_HOME=${home}/state XDG_DATA_HOME=${home}/data ` +
      `SSH_AUTH_SOCK= HOME=${home}`;
    term.start(`env ${env} node bin/vastdeck.js --demo --speed 60 --seed 3; echo EXIT=$?; sleep 30`);
    await waitFor((s) => /^[› ]\d{5,}\s/m.test(s), 'demo fleet rows');
    send('o');
    let screen = await waitFor(
      (s) => /offers {2}profile none {2}verified hosts {2}\d+ offers/.test(s),
      'offers loaded',
    );
    assert.match(screen, /FIT\s+ID\s+GPU\s+N\s+VRAM\s+RAM\s+DISK\s+DOWN\s+UP\s+REL\s+\$\/HR↑/);
    send('/');
    send('-l', '4090');
    send('Enter');
    // A capture can land mid-frame (a row half drawn): wait for a whole frame whose rows are all 4090s.
    const rowsOf = (s: string) => s.split('\n').filter((l) => /^[› ][✓!✗] /.test(l));
    screen = await waitFor(
      (s) =>
        /filter 4090 {2}verified hosts {2}\d+\/\d+ offers/.test(s) &&
        rowsOf(s).length > 0 &&
        rowsOf(s).every((r) => r.includes('RTX 4090')),
      'filter: only RTX 4090 rows',
    );
    assert.ok(rowsOf(screen).length > 0);
    send('d');
    await waitFor((s) => /compute\s+cap 8\.9/.test(s), 'detail pane');
    send('d');
    send(':');
    send('-l', 'profile gpt2-4090');
    send('Enter');
    await waitFor((s) => /profile gpt2-4090/.test(s) && /ETA\s+COST\s+WHY/.test(s), 'profile columns', 40_000);
    send('x');
    // P rents the selected row: wait until the selection sits on an offer that suits the profile.
    await waitFor(
      (s) => s.includes('no-fails') && /^›[✓!] /m.test(s),
      'failing offers hidden, a suiting offer selected',
    );
    send('P');
    screen = await waitFor((s) => s.includes('This rents and bills. Confirm? [y/n]'), 'confirmation');
    assert.match(screen, /image {2}pytorch\/pytorch:2\.4\.0-cuda12\.4-cudnn9-devel/);
    assert.match(screen, /env {4}WANDB_MODE=\*\*\*\*\*/);
    send('y');
    screen = await waitFor((s) => /instance \d+ (running|stuck|dead)|provision failed/.test(s), 'boot outcome', 60_000);
    assert.doesNotMatch(screen, /provision failed/);
    const id = /instance (\d+)/.exec(screen)![1]!;
    // The profile names a speed test URL: the host's real download speed is measured over SSH after boot.
    screen = await waitFor(
      (s) => /downloads at \d+ Mbps \(advertised|far below the advertised|speed test failed/.test(s),
      'speed test',
      60_000,
    );
    assert.doesNotMatch(screen, /speed test failed/);
    send('Escape');
    screen = await waitFor(
      (s) => new RegExp(`^[› ]${id}\\s+demo-gpt2-1x4090\\s`, 'm').test(s),
      'the new instance in the fleet',
    );
    // --demo journals in its own folder (the state dir's demo/).
    const journal = readFileSync(path.join(home, 'state', 'vastdeck', 'demo', 'journal.jsonl'), 'utf8');
    assert.match(journal, /"op":"provision.create"/);
    assert.doesNotMatch(journal, /offline/, 'env values never reach the journal');
    send('q');
    await waitFor((s) => s.includes('EXIT=0'), 'exit');
  });
});
