/**
 * End-to-end in REAL tmux against the bundled `vastdeck --demo`: open the log pane on a running instance and
 * watch lines arrive, attach to its `train` session with the system ssh (the simulated host's tmux stand-in),
 * detach with ctrl+b d, land on the same TUI screen with keys working, open a shell and exit it, quit with the
 * terminal restored. HOME and XDG dirs point at a temp dir so vastdeck's own key and known_hosts are used.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tmuxSession, tmuxSkip } from '../helpers/tmux.js';
import { skipOutsideCi } from '../helpers/require-tool.js';

const hasSsh = spawnSync('ssh', ['-V']).status === 0;
const { start, send, waitFor, kill } = tmuxSession(`vd-logs-e2e-${process.pid}`, 'logs');

const skip = tmuxSkip() || skipOutsideCi(!hasSsh && 'no ssh client');

describe('log pane and attach in real tmux', { skip }, () => {
  after(() => void kill());

  test('log lines arrive; attach, detach, same screen; shell; quit restores the terminal', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'vd-logs-e2e-'));
    const env = `CI=false HOME=${home} XDG_STATE_HOME=${home}/state XDG_CONFIG_HOME=${home}/config SSH_AUTH_SOCK=`;
    start(`env ${env} node bin/vastdeck.js --demo; echo EXIT=$?; sleep 30`, 160, 45);
    await waitFor((s) => /^›\d{5,}\s+\S+.*running/m.test(s), 'the demo fleet, first row running', 30_000);

    // The log pane: lines labelled ssh, and new ones keep arriving (the simulated job writes every ~0.1 s).
    send('l');
    let screen = await waitFor(
      (s) => /^log \d+ · ssh 127\.0\.0\.1:\d+ · following/m.test(s) && /^ssh │ /m.test(s),
      'ssh log lines',
    );
    const lastLog = (s: string) =>
      s
        .split('\n')
        .filter((l) => l.startsWith('ssh │ '))
        .at(-1);
    const first = lastLog(screen);
    await waitFor((s) => lastLog(s) !== first, 'a new log line');

    // Attach: the system ssh takes the terminal; the simulated tmux shows the job under its status bar.
    // The selection ends on the first row: wait for the frame of the k, not the j.
    send('j');
    await waitFor((s) => (s.split('\n')[3] ?? '').startsWith('›'), 'selection on the second row');
    send('k');
    const before = (await waitFor((s) => (s.split('\n')[2] ?? '').startsWith('›'), 'selection back on the first row'))
      .split('\n')
      .slice(0, 6)
      .join('\n')
      .replace(/\s+\d+\s+\S+\s*$/gm, '');
    send('a');
    screen = await waitFor((s) => s.includes('[train] 0:python*'), 'the tmux session');
    assert.doesNotMatch(screen, /^vastdeck DEMO/m, 'the TUI is gone while ssh owns the terminal');
    send('C-b', 'd');
    screen = await waitFor((s) => /back from the tmux session on \d+ \(exit 0\)/.test(s), 'back in the TUI');
    assert.match(screen.split('\n')[0]!, /^vastdeck DEMO/);
    assert.match(screen, /^›\d{5,}/m);
    assert.equal(
      screen
        .split('\n')
        .slice(0, 6)
        .join('\n')
        .replace(/\s+\d+\s+\S+\s*$/gm, '')
        .split('\n')[2]!
        .slice(0, 20),
      before.split('\n')[2]!.slice(0, 20),
      'same selection',
    );
    await waitFor((s) => /^ssh │ /m.test(s) && /following/.test(s), 'the log pane streams again');

    // Keys work again (raw mode back): move down and the marker follows.
    send('j');
    await waitFor((s) => (s.split('\n')[3] ?? '').startsWith('›'), 'selection moved');
    send('k');
    await waitFor((s) => (s.split('\n')[2] ?? '').startsWith('›'), 'selection back');

    // A plain shell, a command, exit.
    send('s');
    await waitFor((s) => s.includes('root@vastdeck-sim:/workspace#'), 'the shell prompt');
    send('nvidia-smi -L', 'Enter');
    await waitFor((s) => /GPU 0: .*\(UUID: GPU-/.test(s), 'a command ran');
    send('exit', 'Enter');
    await waitFor((s) => /back from the shell on \d+ \(exit 0\)/.test(s), 'back from the shell');

    send('q');
    screen = await waitFor((s) => s.includes('EXIT='), 'exit');
    assert.match(screen, /EXIT=0/);
    assert.doesNotMatch(screen, /^vastdeck DEMO/m, 'alternate screen left');
  });
});
