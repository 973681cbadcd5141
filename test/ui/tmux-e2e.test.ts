/**
 * End-to-end in REAL tmux (ENGINEERING.md rule 8): the real runTui in a 200×50 pane, driven with send-keys and
 * read with capture-pane. The child runs with CI=false because under CI=true Ink writes only the last frame.
 * Uses its own tmux server socket so it never touches the user's sessions.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { skipOutsideCi } from '../helpers/require-tool.js';
import { tmuxSkip } from '../helpers/tmux.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const sock = `vd-e2e-${process.pid}`;
/** The tmux server socket in use; each describe gets its own server. */
let current = sock;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', current, ...args], { encoding: 'utf8' });
}
const capture = (s: string) => tmux('capture-pane', '-p', '-t', s);
const send = (s: string, ...keys: string[]) => tmux('send-keys', '-t', s, ...keys);

async function waitFor(s: string, pred: (screen: string) => boolean, what: string, ms = 15_000): Promise<string> {
  const end = Date.now() + ms;
  let screen = '';
  while (Date.now() < end) {
    screen = capture(s);
    if (pred(screen)) return screen;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; screen:\n${screen}`);
}

function start(name: string, env = ''): void {
  const cmd = `env CI=false ${env} node --import tsx test/ui/fixtures/run-fake.tsx; echo EXIT=$?; sleep 30`;
  tmux('new-session', '-d', '-s', name, '-x', '200', '-y', '50', '-c', root, cmd);
}

const rows = (screen: string) => screen.split('\n').filter((l) => /^[› ]\d{4}\s/.test(l));

describe('TUI in real tmux', { skip: skipOutsideCi(!hasTmux && 'tmux not installed') }, () => {
  before(() => start('main'));
  after(() => {
    spawnSync('tmux', ['-L', sock, 'kill-server']);
  });

  test('start: first frame has the table, header exactly once at the top, frame below 50 rows', async () => {
    const screen = await waitFor('main', (s) => rows(s).length >= 40, 'fleet rows');
    const lines = screen.split('\n');
    assert.match(lines[0]!, /^vastdeck\s+fleet all\s+sort id↑\s+40 instances/);
    assert.equal(lines.filter((l) => l.startsWith('vastdeck')).length, 1);
    assert.match(lines[1]!, /^ ID\s+LABEL\s+GPU\s+STATUS\s+\$\/HR\s+SSH\s+AGE\s+STEP\s+HEALTH/);
    assert.match(screen, /running .* │ burn \$\d+\.\d\d\/h/);
    // After several same-height frames (selection moves) nothing has shifted (Ink 6.8 incremental fix).
    send('main', 'j', 'j', 'j', 'k');
    // Wait for the marker to settle (a fixed sleep was flaky on a loaded machine), then check nothing shifted.
    const again = (await waitFor('main', (s) => /^›1003\s/m.test(s), 'the selection on 1003')).split('\n');
    assert.match(again[0]!, /^vastdeck/);
    assert.match(again[1]!, /^ ID\s+LABEL/);
    assert.match(again[2]!, /^ 1001\s/);
    assert.match(again[4]!, /^›1003\s/, 'the selection marker moved down three and up one');
  });

  test('sort by price with P', async () => {
    send('main', 'P');
    const screen = await waitFor('main', (s) => s.includes('sort price↑'), 'price sort');
    assert.match(rows(screen)[0]!, /^[› ]1001\s.*\$0\.300/);
    assert.match(rows(screen)[1]!, /^[› ]1008\s.*\$0\.300/);
    send('main', 'I');
    await waitFor('main', (s) => s.includes('sort id↑'), 'id sort');
  });

  test('filter with /', async () => {
    send('main', '/');
    send('main', '-l', 'zeb-large');
    send('main', 'Enter');
    const screen = await waitFor(
      'main',
      (s) => s.includes('filter zeb-large') && s.includes('10/40 instances'),
      'filter',
    );
    assert.ok(rows(screen).every((r) => /zeb-large-/.test(r)));
    send('main', 'Escape');
    await waitFor('main', (s) => s.includes(' 40 instances'), 'filter cleared');
  });

  test('help overlay opens and closes', async () => {
    send('main', '?');
    await waitFor('main', (s) => s.includes('Keys — esc or ? closes') && s.includes('fleet.') === false, 'help');
    send('main', 'Escape');
    await waitFor('main', (s) => !s.includes('Keys — esc') && rows(s).length > 10, 'help closed');
  });

  test('quit restores the terminal (alternate screen left, exit 0)', async () => {
    send('main', 'q');
    const screen = await waitFor('main', (s) => s.includes('EXIT=0'), 'exit');
    assert.ok(!screen.includes('vastdeck  fleet'), 'the TUI frame is gone with the alternate screen');
  });

  test('ctrl+c quits too; SIGTERM restores and exits 143', async () => {
    start('ctrlc');
    await waitFor('ctrlc', (s) => rows(s).length > 10, 'rows');
    send('ctrlc', 'C-c');
    await waitFor('ctrlc', (s) => s.includes('EXIT=0'), 'exit after ctrl+c');

    start('term');
    await waitFor('term', (s) => rows(s).length > 10, 'rows');
    const panePid = tmux('display-message', '-p', '-t', 'term', '#{pane_pid}').trim();
    const child = execFileSync('pgrep', ['-P', panePid], { encoding: 'utf8' }).trim().split('\n')[0]!;
    process.kill(Number(child), 'SIGTERM');
    const screen = await waitFor('term', (s) => /EXIT=\d+/.test(s), 'exit after SIGTERM');
    assert.match(screen, /EXIT=143/);
    assert.ok(!screen.includes('vastdeck  fleet'));
  });

  test('API failing: stale mark, last good rows stay', async () => {
    start('fail', 'FAKE_FAIL=1 POLL_MS=2000');
    const screen = await waitFor('fail', (s) => s.includes('STALE'), 'stale mark', 20_000);
    assert.match(screen, /STALE .* server: HTTP 503/);
    assert.ok(rows(screen).length >= 40);
    send('fail', 'q');
    await waitFor('fail', (s) => s.includes('EXIT=0'), 'exit');
  });
});

describe('bundled `vastdeck --demo` in real tmux', { skip: tmuxSkip() }, () => {
  before(() => {
    current = `${sock}-demo`;
  });
  after(() => {
    spawnSync('tmux', ['-L', current, 'kill-server']);
  });

  test('start, sort, filter, help, quit with the terminal restored', async () => {
    tmux(
      'new-session',
      '-d',
      '-s',
      'demo',
      '-x',
      '200',
      '-y',
      '50',
      '-c',
      root,
      'env CI=false node bin/vastdeck.js --demo; echo EXIT=$?; sleep 30',
    );
    const demoRows = (s: string) => s.split('\n').filter((l) => /^[› ]\d{5,}\s/.test(l));
    let screen = await waitFor('demo', (s) => demoRows(s).length > 3, 'demo fleet rows', 30_000);
    assert.match(screen.split('\n')[0]!, /^vastdeck DEMO/);
    send('demo', 'P');
    await waitFor('demo', (s) => s.includes('sort price↑'), 'price sort');
    send('demo', '/');
    await waitFor('demo', (s) => /^\/$/m.test(s), 'filter line');
    send('demo', '-l', 'running');
    send('demo', 'Enter');
    screen = await waitFor('demo', (s) => s.includes('filter running'), 'filter');
    assert.ok(demoRows(screen).every((r) => /\srunning\s/.test(r)));
    send('demo', '?');
    await waitFor('demo', (s) => s.includes('Keys — esc or ? closes'), 'help');
    send('demo', 'Escape');
    await waitFor('demo', (s) => !s.includes('Keys — esc'), 'help closed');
    send('demo', 'q');
    screen = await waitFor('demo', (s) => s.includes('EXIT='), 'exit', 20_000);
    assert.match(screen, /EXIT=0/);
    assert.ok(!screen.includes('vastdeck DEMO'));
  });
});
