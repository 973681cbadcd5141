import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { render as inkTestRender } from 'ink-testing-library';
import { mount, KEY, settle } from './harness.js';
import { FakeApi, makeFleet, makeInstance } from './fake-api.js';
import { App } from '../../src/ui/App.js';
import { FleetStore } from '../../src/core/fleet/store.js';
import { buildKeymap } from '../../src/ui/keymap/registry.js';
import { COMMANDS } from '../../src/ui/keymap/tui-commands.js';
import { MONO } from '../../src/ui/theme.js';
import { ThemeContext } from '../../src/ui/theme-context.js';

const rowIds = (lines: string[]) =>
  lines
    .map((l) => /^[› ](\d{4,})\s/.exec(l)?.[1])
    .filter(Boolean)
    .map(Number);

describe('fleet frames', () => {
  test('standard 100×24 frame through ink-testing-library', async () => {
    const api = new FakeApi(makeFleet(6));
    const store = new FleetStore({ api, pollMs: 2000 });
    await store.refresh();
    const ui = inkTestRender(
      <ThemeContext.Provider value={MONO}>
        <App store={store} keymap={buildKeymap(COMMANDS, { readOnly: false })} onQuit={() => {}} tickMs={0} />
      </ThemeContext.Provider>,
    );
    await settle();
    const frame = ui.lastFrame()!;
    assert.match(frame, /^vastdeck/);
    assert.match(frame, /ID\s+LABEL\s+GPU\s+STATUS\s+\$\/HR/);
    assert.match(frame, /1003\s+ablation-002\s+4× A100 SXM4\s+running\s+\$0\.720/);
    assert.ok(frame.split('\n').length <= 23, 'at most rows − 1 lines');
    ui.unmount();
  });

  test('empty fleet', async () => {
    const m = await mount({ api: new FakeApi([]) });
    assert.match(m.frame(), /no instances on this account/);
    assert.match(m.frame(), /no instances │ burn \$0\.00\/h \$0\.00\/d/);
    m.unmount();
  });

  test('API down after good data: rows stay, footer shows a stale mark with the age', async () => {
    const m = await mount({ n: 4 });
    m.api.failNext('server', 1, 'HTTP 503 from GET /api/v1/instances/');
    m.setNow(Date.parse('2026-08-10T12:07:00Z'));
    await m.store.refresh();
    await settle();
    const f = m.frame();
    assert.match(f, /STALE 7m old server: HTTP 503/);
    assert.deepEqual(rowIds(m.lines()), [1001, 1002, 1003, 1004]);
    m.unmount();
  });

  test('API down from the start: no data message, stale without age', async () => {
    const api = new FakeApi(makeFleet(3));
    api.failNext('network', 1, 'connect ECONNREFUSED 127.0.0.1:9');
    const m = await mount({ api, noPoll: true });
    await m.store.refresh();
    await settle();
    assert.match(m.frame(), /no data: the API is failing/);
    assert.match(m.frame(), /STALE no data yet network: connect ECONNREFUSED/);
    m.unmount();
  });

  test('1,000 instances: only the visible window is drawn, G jumps to the last', async () => {
    const m = await mount({ n: 1000, columns: 120, rows: 40 });
    let ids = rowIds(m.lines());
    assert.ok(ids.length > 20 && ids.length <= 36, `window of ${ids.length} rows`);
    assert.equal(ids[0], 1001);
    assert.ok(m.lines().length <= 39);
    await m.press('G');
    ids = rowIds(m.lines());
    assert.equal(ids.at(-1), 2000);
    await m.press('g', KEY.pageDown);
    ids = rowIds(m.lines());
    assert.ok(ids.includes(1001 + ids.length - 1) || ids[0]! > 1001, 'page down moved the window or cursor');
    assert.match(m.frame(), /1000 instances/);
    m.unmount();
  });

  test('narrow 80×24: fits, drops the SSH column, keeps label/GPU/status/price', async () => {
    const m = await mount({ n: 30, columns: 80, rows: 24 });
    const lines = m.lines();
    assert.ok(lines.length <= 23);
    for (const l of lines) assert.ok(l.length <= 80, `line too wide (${l.length}): ${l}`);
    assert.doesNotMatch(m.frame(), /ssh -p/);
    assert.match(lines[1]!, /LABEL\s+GPU\s+STATUS\s+\$\/HR\s+AGE\s+STEP\s+HEALTH/);
    // The full footer does not fit in 80 columns: burn, credit and runway come first, the counts get cut.
    assert.match(lines.at(-2)!, /^burn \$[\d,.]+\/h \$[\d,.]+\/d │ credit \$[\d,.]+ runway \S+ │ \d+ \w+/);
    m.unmount();
  });

  test('wide 250×60: SSH column with direct and proxy endpoints', async () => {
    const m = await mount({ n: 80, columns: 250, rows: 60 });
    const lines = m.lines();
    assert.ok(lines.length <= 59);
    for (const l of lines) assert.ok(l.length <= 250);
    assert.match(m.frame(), /1001\s+zeb-large-000.*ssh -p 40000 root@203\.0\.113\.1\s/);
    assert.match(m.frame(), /1002\s+zeb-small-001.*ssh -p 20001 root@ssh2\.vast\.ai\s/);
    assert.equal(rowIds(lines).length, 60 - 1 - 2 - 2);
    assert.match(
      lines.at(-2)!,
      /^\d+ \w+.* │ burn \$[\d,.]+\/h \$[\d,.]+\/d │ credit \$[\d,.]+ runway/,
      'room for all: counts first',
    );
    m.unmount();
  });

  test('help overlay lists every registry command and closes with escape', async () => {
    const m = await mount({ columns: 200, rows: 50 });
    await m.press('?');
    const f = m.frame();
    assert.match(f, /Keys — esc or \? closes/);
    // Descriptions wrap instead of ending in "…"; j scrolls through every command.
    const seen = new Set<string>();
    for (let i = 0; i < 120; i++) {
      for (const l of m.lines()) seen.add(l);
      await m.press('j');
    }
    const text = [...seen].join('\n');
    // A cut ends in "…" at a column's end (the one in "gpu_ram>=24 …;" is the description's own).
    assert.equal(/…(\s*│|\s*$|\s{2,})/m.test(text), false, 'no description is cut');
    for (const c of m.keymap.commands) assert.ok(text.includes(c.description.slice(0, 30)), `help lacks ${c.id}`);
    await m.press(KEY.escape);
    assert.doesNotMatch(m.frame(), /Keys — esc/);
    assert.match(m.frame(), /1001/);
    m.unmount();
  });

  test('help at 80×24 with the detail pane open: the whole area, j/k scroll through every command, none lost', async () => {
    const m = await mount({ columns: 80, rows: 24 });
    await m.press('\r'); // detail pane open: help still takes the space it leaves
    await m.press('?');
    let lines = m.lines();
    assert.ok(lines.length <= 23);
    const hint = () => m.lines().find((l) => /lines \d+–\d+ of \d+: j\/k, pgup\/pgdn scroll/.test(l));
    assert.ok(hint(), 'the scroll hint');
    const [, from, to, total] = /lines (\d+)–(\d+) of (\d+)/.exec(hint()!)!.map(Number);
    assert.equal(from, 1);
    assert.ok(to! - from! + 1 >= 15, `only ${to! - from! + 1} help lines shown on a 24-row terminal`);
    const seen = new Set<string>();
    for (let i = 0; i < total!; i++) {
      for (const l of m.lines()) seen.add(l);
      await m.press('j');
    }
    assert.match(hint()!, new RegExp(`–${total} of ${total}: j/k, pgup/pgdn scroll; all keys`), 'scrolled to the end');
    const text = [...seen].join('\n');
    for (const c of m.keymap.commands) assert.ok(text.includes(c.description.slice(0, 20)), `never shown: ${c.id}`);
    await m.press('k');
    assert.doesNotMatch(hint()!, new RegExp(`–${total} of`));
    for (let i = 0; i < 20; i++) await m.press(KEY.pageUp);
    assert.match(hint()!, /lines 1–/, 'page up back to the top');
    await m.press(KEY.pageDown);
    assert.match(hint()!, new RegExp(`lines ${to! + 1}–`), 'page down moves a whole column');
    await m.press(KEY.escape);
    lines = m.lines();
    assert.ok(!lines.some((l) => l.includes('Keys — esc')));
    m.unmount();
  });

  test('filter with / (live), invert with !, escape clears', async () => {
    const m = await mount({ n: 12 });
    await m.press('/');
    await m.type('zeb-large');
    assert.deepEqual(rowIds(m.lines()), [1001, 1005, 1009]);
    await m.press(KEY.enter);
    assert.match(m.frame(), /filter zeb-large/);
    assert.match(m.frame(), /3\/12 instances/);
    await m.press('/');
    await m.type('!running');
    assert.ok(!rowIds(m.lines()).includes(1001));
    assert.ok(rowIds(m.lines()).includes(1004));
    await m.press(KEY.escape);
    assert.equal(rowIds(m.lines()).length, 12);
    m.unmount();
  });

  test('sort by price with P, again reverses; ties broken by id', async () => {
    const m = await mount({ n: 14 });
    await m.press('P');
    let ids = rowIds(m.lines());
    // prices cycle every 7 instances: 1001 and 1008 cost the same, the lower id first
    assert.deepEqual(ids.slice(0, 2), [1001, 1008]);
    assert.match(m.frame(), /sort price↑/);
    await m.press('P');
    ids = rowIds(m.lines());
    assert.deepEqual(ids.slice(0, 2), [1007, 1014]);
    assert.match(m.frame(), /sort price↓/);
    m.unmount();
  });

  test('detail pane shows machine facts and masks env values', async () => {
    const api = new FakeApi([makeInstance(0, { envKeys: ['HF_TOKEN'] })]);
    const m = await mount({ api, columns: 120, rows: 30 });
    await m.press(KEY.enter);
    const f = m.frame();
    assert.match(f, /machine\s+5000 \(host 700\)/);
    assert.match(f, /location\s+Texas, US/);
    assert.match(f, /CUDA\s+12\.4/);
    assert.match(f, /disk\s+41\.5 \/ 200 GB/);
    assert.match(f, /inet\s+↓ 850\s+↑ 420 Mbps/);
    assert.match(f, /HF_TOKEN=\*\*\*\*\*/);
    await m.press('d');
    assert.doesNotMatch(m.frame(), /HF_TOKEN/);
    m.unmount();
  });

  test('read-only mode: mark in the header, dangerous commands gone from help and keys', async () => {
    const m = await mount({ readOnly: true, columns: 200, rows: 50 });
    assert.match(m.frame(), /READ-ONLY/);
    await m.press('X');
    assert.doesNotMatch(m.frame(), /Stop 1001/);
    await m.press('?');
    assert.doesNotMatch(m.frame(), /Stop the selected/);
    assert.match(m.frame(), /read-only: dangerous commands removed/);
    m.unmount();
  });

  test('stop asks first; n cancels, y calls the API once', async () => {
    const m = await mount({ n: 3, columns: 140 });
    await m.press('X');
    assert.match(m.frame(), /Stop 1001 zeb-large-000 \(1× RTX 3090\)\?.*\[y\/n\]/);
    await m.press('n');
    assert.equal(m.api.calls.stop, 0);
    await m.press('X', 'y');
    await settle();
    assert.equal(m.api.calls.stop, 1);
    assert.match(m.frame(), /1001\s+zeb-large-000\s+1× RTX 3090\s+stopped/);
    m.unmount();
  });

  test('bad theme: the problem is reported on one line', async () => {
    const m = await mount({ notice: 'broken.yaml: tokens.status.running: expected a colour; using dark' });
    assert.match(m.frame(), /broken\.yaml: tokens\.status\.running: expected a colour; using dark/);
    await m.press('j');
    assert.doesNotMatch(m.frame(), /broken\.yaml/);
    m.unmount();
  });

  test('command line: tab completes, :fleet scopes by label prefix, unknown is reported', async () => {
    const m = await mount({ n: 12 });
    await m.press(':');
    await m.type('fl');
    await m.press(KEY.tab);
    assert.match(m.frame(), /^:fleet$/m);
    await m.type('zeb-small');
    await m.press(KEY.enter);
    assert.deepEqual(rowIds(m.lines()), [1002, 1006, 1010]);
    assert.match(m.frame(), /fleet zeb-small\*/);
    await m.press(':');
    await m.type('nosuch');
    await m.press(KEY.enter);
    assert.match(m.frame(), /unknown command: nosuch/);
    m.unmount();
  });

  test('q quits; typing q in the command line does not', async () => {
    const m = await mount();
    await m.press(':', 'q');
    assert.equal(m.quits(), 0);
    await m.press(KEY.escape, 'q');
    assert.equal(m.quits(), 1);
    m.unmount();
  });

  test('health map feeds STEP and HEALTH; remote text is sanitized', async () => {
    const api = new FakeApi([makeInstance(0, { label: 'evil\x1b]52;c;aGk=\x07\x1b[2Jname' })]);
    const m = await mount({ api, columns: 120 });
    m.store.setHealth(1001, { step: 12400, text: 'stalled', level: 'warn' });
    await settle();
    const row = m.lines().find((l) => l.slice(1).startsWith('1001'))!;
    assert.match(row, /12400 stalled/);
    assert.match(row, /evilname/);
    assert.ok(!m.frames.at(-1)!.includes('\x1b]52'), 'OSC 52 never reaches the terminal');
    m.unmount();
  });
});

test('a held key delivered as one chunk ("jjjj") moves four rows; "/zeb" opens the filter and types', async () => {
  const m = await mount({ n: 12 });
  await m.press('jjjj');
  await settle();
  await m.press('X');
  assert.match(m.frame(), /Stop 1005 /);
  await m.press('n', '/zeb-small');
  await settle();
  assert.deepEqual(rowIds(m.lines()), [1002, 1006, 1010]);
  m.unmount();
});

test('before the first listing the footer says the burn is unknown, not $0.00', async () => {
  const m = await mount({ noPoll: true });
  const footer = m.lines().find((l) => l.includes('loading…'))!;
  assert.match(footer, /loading… │ burn –$/);
  await m.store.refresh();
  await settle();
  assert.match(m.frame(), /burn \$\d+\.\d\d\/h \$[\d,]+\.\d\d\/d/);
  m.unmount();
});
