/**
 * In REAL tmux against the bundled `vastdeck --demo`: a running migration is stopped with x at once (a journaled
 * pause), q while one runs asks first, M on its row offers to resume it and the resume finishes; a restarted demo
 * (a new simulated world) does not offer to resume a migration of the old world.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tmuxSession, tmuxSkip } from '../helpers/tmux.js';
import { pause } from '../helpers/wait.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'vd-migstop-e2e-'));
const sock = `vd-migstop-e2e-${process.pid}`;
const session = tmuxSession(sock, 'mig');
const { send } = session;
const waitFor = (pred: (screen: string) => boolean, what: string, ms = 20_000) =>
  session.waitFor(pred, what, ms, (s) => /✗ \d\./.test(s));
const env =
  `CI=false HOME=${home} XDG_STATE_HOME=${home}/state ` + `XDG_CONFIG_HOME=${home}/config VAST_API_KEY= SSH_AUTH_SOCK=`;

describe('stopping a migration in real tmux', { skip: tmuxSkip() }, () => {
  after(() => {
    session.kill();
    rmSync(home, { recursive: true, force: true });
  });

  test('x pauses at once (journaled); q asks while it runs; M resumes it to the end; a restarted demo starts clean', async () => {
    session.start(
      `env ${env} node bin/vastdeck.js --demo; echo EXIT=$?; env ${env} node bin/vastdeck.js --demo; echo ` +
        `EXIT2=$?; sleep 30`,
    );
    await waitFor((s) => /mosaic-gpt2-1\s/.test(s), 'demo fleet', 30_000);
    send('/');
    send('-l', 'mosaic-gpt2-1');
    send('Enter');
    await waitFor((s) => s.includes('filter mosaic-gpt2-1') && /1\/\d+ instances/.test(s), 'filtered to one row');
    send('M');
    await waitFor((s) => s.includes('choose the profile') && s.includes('> mosaic-gpt2'), 'profile list');
    send('Enter');
    await waitFor((s) => /Rents \d+× /.test(s), 'confirmation naming the rental');
    send('y');
    await waitFor((s) => s.includes('Migrating') && s.includes('x stops it now'), 'running');

    // q while it runs: a question, not an exit.
    send('Escape');
    await waitFor((s) => !s.includes('x stops it now'), 'wizard hidden');
    send('q');
    await waitFor((s) => /a migration is running: quit anyway\?.*\[y\/n\]/.test(s), 'quit asks first');
    send('n');
    send('M');
    await waitFor((s) => s.includes('Migrating') && s.includes('x stops it now'), 'shown again on its row');
    const t0 = Date.now();
    send('x');
    const screen = await waitFor(
      (s) => /paused during step \d \(.+\): stopped with x in the wizard/.test(s),
      'paused',
      5000,
    );
    assert.ok(Date.now() - t0 < 3000, `stopped at once (${Date.now() - t0} ms)`);
    assert.match(screen, /Esc closes; M on its row resumes it/);
    const journal = readFileSync(`${home}/state/vastdeck/demo/journal.jsonl`, 'utf8');
    assert.match(journal.trim().split('\n').at(-1)!, /"op":"migrate\.pause"/, 'the pause is journaled last');

    send('Escape');
    await waitFor((s) => !s.includes('Esc closes'), 'wizard closed');
    send('M');
    await waitFor(
      (s) => /Interrupted migration [a-z0-9]{8}: \d+ → .*paused during step/.test(s.replace(/\n/g, ' ')),
      'resume offered on its row',
    );
    send('y');
    await waitFor(
      (s) => /✓ 8\. update the continuation file/.test(s) && /migrated \d+ → \d+/.test(s),
      'resumed to the end',
      120_000,
    );
    send('Escape');
    await waitFor((s) => !s.includes('Esc closes'), 'wizard closed');

    // Start a migration of the new host, SIGTERM the app, and it starts again (the shell line): the new world (where
    // that host never existed) offers no resume.
    await waitFor((s) => /mosaic-gpt2-1x\d{4}/.test(s), 'the new host listed', 30_000);
    send('M');
    await waitFor((s) => s.includes('choose the profile') && s.includes('> mosaic-gpt2'), 'profile list again');
    send('Enter');
    await waitFor((s) => /Rents \d+× /.test(s), 'second confirmation');
    send('y');
    await waitFor((s) => s.includes('x stops it now'), 'second migration running');
    // SIGTERM while it runs: the migration is paused, journaled, before the exit.
    const panePid = execFileSync('tmux', ['-L', sock, 'display', '-p', '-t', 'mig', '#{pane_pid}'], {
      encoding: 'utf8',
    }).trim();
    const nodePid = Number(
      execFileSync('ps', ['--ppid', panePid, '-o', 'pid='], { encoding: 'utf8' }).trim().split(/\s+/)[0],
    );
    assert.ok(nodePid > 0, 'the vastdeck process');
    process.kill(nodePid, 'SIGTERM');
    // The second demo: its mosaic-gpt2-1 is back (the first world's was destroyed by the migration), unfiltered.
    await waitFor((s) => /mosaic-gpt2-1\s/.test(s) && !s.includes('filter mosaic-gpt2-1'), 'demo again', 30_000);
    // An absence is the subject: give the new world's journal scan time to (not) offer a resume.
    await pause(1500);
    assert.doesNotMatch(session.capture(), /Interrupted migration/, 'no resume offer from the old world');
    const previous = readFileSync(`${home}/state/vastdeck/demo/journal.previous.jsonl`, 'utf8').trim().split('\n');
    assert.match(
      previous.at(-1)!,
      /"op":"migrate\.pause".*vastdeck got a signal \(exit 143\)/,
      'SIGTERM paused it, journaled',
    );
    send('q');
    await waitFor((s) => s.includes('EXIT2=0'), 'second exit');
  });
});
