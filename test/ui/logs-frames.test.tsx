/**
 * Frame tests of the log pane: split and full-screen layouts, source labels, search highlight, autoscroll, wrap, save.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mountLogs, settle } from './logs-fixture.js';
import { waitFor } from '../helpers/wait.js';

const KEY = { down: '\x1b[B', up: '\x1b[A', escape: '\x1b', enter: '\r', tab: '\t' };
type Mounted = Awaited<ReturnType<typeof mountLogs>>;
/** Waits until the frame matches `re` (settling Ink between looks). */
async function frameShows(m: Mounted, re: RegExp, what: string): Promise<void> {
  await waitFor(async () => (await settle(), re.test(m.frame())), { what, detail: m.frame });
}
/** The newest pane's store has started (after its debounce): SSH following, or the API fallback polling. */
const started = (m: Mounted) => /following|showing Vast API logs/.test(m.panes.at(-1)?.getSnapshot().status ?? '');
/** Opens the pane and waits for the store's debounced start. */
async function open(m: Mounted, key = 'l') {
  await m.press(key);
  await waitFor(() => started(m), { what: "the log pane's source started", detail: m.frame });
  await settle();
}
const steps = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `step ${from + i} loss ${(2 - (from + i) / 1000).toFixed(3)}\n`).join(
    '',
  );
const logRows = (lines: string[]) => lines.filter((l) => /^(ssh|api|dmn) [│▶] /.test(l));

describe('log pane frames', () => {
  test('l splits: table above, the selected instance log below with ssh labels; frame fits', async () => {
    const m = await mountLogs();
    await open(m);
    assert.equal(m.pool.follows.length, 1);
    assert.equal(m.pool.last.host, 'ssh1.vast.ai', 'the first (selected) instance is followed');
    await m.host(steps(1, 40));
    const lines = m.lines();
    assert.ok(lines.length <= 29, `frame ${lines.length} lines`);
    assert.match(m.frame(), /1001\s+zeb-large-000/);
    assert.match(
      m.frame(),
      /log 1001 · ssh ssh1\.vast\.ai:20000 · following \/workspace\/train\.log\s+follow · tab focus/,
    );
    const rows = logRows(lines);
    assert.ok(rows.length >= 8 && rows.length < 20, `${rows.length} log rows in the split`);
    assert.equal(rows.at(-1), 'ssh │ step 40 loss 1.960', 'autoscroll shows the newest line at the bottom');
    m.unmount();
  });

  test('selection change replaces the store: old follow stopped, new one opened (latest wins)', async () => {
    const m = await mountLogs();
    await open(m);
    await m.host('first host line\n');
    const first = m.pool.last;
    await m.press('j', 'j');
    await waitFor(() => m.pool.last.port === 20002 && m.pool.last.state === 'following', {
      what: "the third instance's follow (debounced start)",
    });
    await settle();
    assert.ok(first.stopped, 'the old follow is stopped');
    assert.equal(m.pool.follows.filter((f) => !f.stopped).length, 1, 'exactly one live follow');
    assert.equal(m.pool.last.port, 20002);
    await m.host('third host line\n');
    assert.match(m.frame(), /ssh │ third host line/);
    assert.doesNotMatch(m.frame(), /first host line/);
    m.unmount();
  });

  test('an instance without SSH falls back to the API log, labelled api', async () => {
    const m = await mountLogs();
    m.api.getLogs = async () => 'container booting\npulling image\n';
    await m.press('j', 'j', 'j'); // 1004 is loading: no SSH endpoint
    await open(m);
    await frameShows(m, /api │ pulling image/, 'the API log lines');
    assert.match(m.frame(), /no SSH endpoint · showing Vast API logs/);
    assert.deepEqual(logRows(m.lines()), ['api │ container booting', 'api │ pulling image']);
    m.unmount();
  });

  test('f is full screen: the log replaces the table; esc goes back to the split', async () => {
    const m = await mountLogs({ rows: 30 });
    await open(m, 'f');
    await m.host(steps(1, 100));
    assert.doesNotMatch(m.frame(), /zeb-large-000/, 'no table rows in full screen');
    const rows = logRows(m.lines());
    assert.ok(rows.length >= 22, `${rows.length} rows full screen`);
    assert.equal(rows.at(-1), 'ssh │ step 100 loss 1.900');
    assert.ok(m.lines().length <= 29);
    await m.press(KEY.escape);
    assert.match(m.frame(), /zeb-large-000/);
    assert.ok(logRows(m.lines()).length < 20);
    m.unmount();
  });

  test('scrolling up pauses autoscroll; new lines do not move the view; G resumes', async () => {
    const m = await mountLogs();
    await open(m, 'f');
    await m.host(steps(1, 100));
    await m.press('k', 'k', 'k');
    let rows = logRows(m.lines());
    assert.equal(rows.at(-1), 'ssh │ step 97 loss 1.903');
    assert.match(m.frame(), /paused/);
    const before = rows[0];
    await m.host(steps(101, 110));
    rows = logRows(m.lines());
    assert.equal(rows[0], before, 'paused view stays put while lines arrive');
    assert.equal(rows.at(-1), 'ssh │ step 97 loss 1.903');
    await m.press('G');
    rows = logRows(m.lines());
    assert.equal(rows.at(-1), 'ssh │ step 110 loss 1.890');
    assert.match(m.frame(), /follow/);
    await m.press('F'); // autoscroll off by toggle
    await m.host(steps(111, 112));
    assert.equal(logRows(m.lines()).at(-1), 'ssh │ step 110 loss 1.890');
    await m.press('F');
    assert.equal(logRows(m.lines()).at(-1), 'ssh │ step 112 loss 1.888');
    m.unmount();
  });

  test('/ searches with highlight; n and N move between matches', async () => {
    const m = await mountLogs({ columns: 100, rows: 30 });
    await open(m, 'f');
    await m.host(
      steps(1, 200).replace('step 42 loss', 'step 42 NaN loss').replace('step 150 loss', 'step 150 nan loss'),
    );
    await m.press('/');
    assert.match(m.frame(), /^log \//m);
    await m.press('n', 'a', 'n', KEY.enter);
    let f = m.frame();
    assert.match(f, /\/nan 2\/2/, 'newest match first');
    assert.match(f, /ssh ▶ step 150 nan loss/, 'the current match is marked in the gutter');
    assert.match(f, /paused/);
    await m.press('n');
    f = m.frame();
    assert.match(f, /\/nan 1\/2/);
    assert.match(f, /ssh ▶ step 42 NaN loss/);
    await m.press('N');
    assert.match(m.frame(), /\/nan 2\/2/);
    await m.press(KEY.escape); // clears the search first
    assert.doesNotMatch(m.frame(), /\/nan/);
    m.unmount();
  });

  test('w wraps long lines; tab moves focus between table and log', async () => {
    const m = await mountLogs({ columns: 60 });
    await open(m);
    await m.press(KEY.tab);
    assert.match(m.frame(), /tab table/);
    await m.host('x'.repeat(120) + 'END\n');
    assert.doesNotMatch(m.frame(), /END/);
    await m.press('w');
    assert.match(m.frame(), /END/);
    assert.match(m.frame(), / {4}│ x+/, 'continuation rows are marked');
    await m.press('j'); // focused log: j scrolls the log, not the table
    assert.match(m.frame(), /›1001/);
    await m.press(KEY.tab, 'j');
    assert.match(m.frame(), /›1002/);
    m.unmount();
  });

  test('o saves the whole log; the footer names the file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vd-logsave-'));
    const m = await mountLogs({ saveDir: dir });
    await open(m, 'f');
    await m.host(steps(1, 300));
    await m.press('o');
    await frameShows(m, /saved \d+ lines to /, 'the saved-log message');
    const msg = /saved 300 lines to (\S+)/.exec(m.frame());
    assert.ok(msg, m.frame());
    assert.ok(msg[1]!.startsWith(path.join(dir, 'logs')));
    const text = readFileSync(msg[1]!, 'utf8');
    assert.equal(text.split('\n').length, 301);
    assert.match(text, /^step 1 loss 1\.999\n/);
    m.unmount();
  });

  test('control sequences from the host never reach the frame', async () => {
    const m = await mountLogs();
    await open(m);
    await m.host('evil \x1b]0;pwned\x07title \x1b[2Jclear\n');
    const raw = m.stdout.frames.at(-1)!;
    assert.ok(!raw.includes('\x1b]0;'), 'no OSC');
    assert.ok(!raw.includes('\x1b[2J'), 'no clear screen');
    assert.match(m.frame(), /ssh │ evil title clear/);
    m.unmount();
  });

  test('D switches to the daemon log (API), labelled dmn', async () => {
    const m = await mountLogs();
    (m.api as { getLogs: unknown }).getLogs = async (_id: number, req?: { daemon?: boolean }) =>
      req?.daemon ? 'daemon: pulling image\n' : '';
    await open(m, 'f');
    await m.press('D');
    await frameShows(m, /dmn │ daemon: pulling image/, 'the daemon log lines');
    assert.match(m.frame(), /log 1001 \(daemon\) · Vast daemon log/);
    assert.deepEqual(logRows(m.lines()), ['dmn │ daemon: pulling image']);
    m.unmount();
  });
});
