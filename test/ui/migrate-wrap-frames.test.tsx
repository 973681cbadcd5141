/**
 * The migration wizard's step list at 80×24: a long step detail wraps within the width instead of being cut, and
 * when the wrapped list gets too tall the oldest done steps lose their details first (mark and title stay), so the
 * frame stays at most rows−1 tall with the keys to stop or hide it in view.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import stringWidth from 'string-width';
import { render as inkRender } from 'ink';
import { App } from '../../src/ui/App.js';
import { ThemeContext } from '../../src/ui/theme-context.js';
import { DARK } from '../../src/ui/theme.js';
import { FleetStore } from '../../src/core/fleet/store.js';
import { buildKeymap } from '../../src/ui/keymap/registry.js';
import { COMMANDS } from '../../src/ui/keymap/tui-commands.js';
import { MIGRATE_STEPS, STEP_TITLES, type MigrateEvent } from '../../src/core/ops/migrate.js';
import { FAKE_NOW, FakeApi, makeFleet } from './fake-api.js';
import { KEY, settle } from './harness.js';
import { fakeOps, fakePlan } from './destroy-ops-fake.js';
import { FakeStdin as In, FakeStdout as Out, stripAnsi as strip } from '../helpers/terminal.js';

const COLS = 80;
const ROWS = 24;

async function startMigration() {
  let emit!: (e: MigrateEvent) => void;
  const { ops } = fakeOps((i) => fakePlan(i, 1, 1), {
    migrate: (_plan, onEvent) => {
      emit = onEvent;
      return new Promise(() => {});
    },
  });
  const api = new FakeApi(makeFleet(4));
  const store = new FleetStore({ api, pollMs: 2000, now: () => FAKE_NOW });
  await store.refresh();
  const stdout = new Out(COLS, ROWS);
  const stdin = new In();
  const inst = inkRender(
    <ThemeContext.Provider value={DARK}>
      <App
        store={store}
        keymap={buildKeymap(COMMANDS, { readOnly: false })}
        api={api}
        onQuit={() => {}}
        now={() => FAKE_NOW}
        tickMs={0}
        ops={ops}
      />
    </ThemeContext.Provider>,
    {
      stdout: stdout as never,
      stdin: stdin as never,
      stderr: new Out(COLS, ROWS) as never,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  await settle();
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      stdin.write(k);
      await settle();
    }
  };
  await press('M');
  await settle();
  await press(KEY.enter);
  await settle();
  await press('y');
  const lines = () => strip(stdout.frames.at(-1) ?? '').split('\n');
  const fits = () => {
    const ls = lines();
    assert.ok(ls.length <= ROWS - 1, `${ls.length} lines\n${ls.join('\n')}`);
    for (const l of ls) assert.ok(stringWidth(l) <= COLS, `wider than ${COLS}: ${l}`);
    return ls;
  };
  return { emit: (e: MigrateEvent) => emit(e), lines, fits, unmount: () => inst.unmount() };
}

/** The words as they read in one line: wrapped lines joined by one space. */
const joined = (ls: string[]) =>
  ls
    .map((l) => l.trim())
    .join(' ')
    .replace(/\s+/g, ' ');

const LONG =
  'rented offer 77: 1× RTX 4090 at $0.412/hr in Texas, US, host 88231, labelled gpt2-a-1x4090-from-1001, its ' +
  'SSH port opens on 203.0.113.7:41022 once the image is pulled';

test('a long step detail wraps whole within 80 columns; the frame fits 80×24 with the keys in view', async () => {
  const m = await startMigration();
  m.emit({ type: 'step', step: 'verify-source', index: 1, phase: 'done', detail: 'checkpoint-1500 verified' });
  m.emit({ type: 'step', step: 'provision', index: 2, phase: 'done', detail: LONG });
  m.emit({ type: 'step', step: 'boot', index: 3, phase: 'start' });
  await settle();
  const ls = m.fits();
  const text = joined(ls);
  assert.ok(text.includes(`✓ 2. rent the target: ${LONG}`), ls.join('\n'));
  // The continuation sits under the step's title, and every step is still listed.
  const at = ls.findIndex((l) => l.startsWith('✓ 2. rent the target'));
  assert.match(ls[at + 1]!, /^ {5}\S/);
  assert.equal(ls.filter((l) => /^\S \d\. /.test(l)).length, MIGRATE_STEPS.length);
  // The key line breaks between its hints, not inside one.
  assert.ok(ls.includes('x stops it now (journaled pause; M resumes it)'), ls.join('\n'));
  assert.ok(ls.includes('Esc hides this (it goes on; M on its row shows it)'), ls.join('\n'));
  m.unmount();
});

test('too tall to wrap every detail: the oldest done steps drop theirs first, the newest and the keys stay', async () => {
  const m = await startMigration();
  MIGRATE_STEPS.slice(0, 7).forEach((step, i) =>
    m.emit({ type: 'step', step, index: i + 1, phase: 'done', detail: `${i + 1}: ${LONG}` }),
  );
  m.emit({ type: 'step', step: 'continuation', index: 8, phase: 'start' });
  await settle();
  const ls = m.fits();
  const text = joined(ls);
  // Step 1 keeps its mark and title; its detail went first.
  assert.ok(ls.includes(`✓ 1. ${STEP_TITLES['verify-source']}`), ls.join('\n'));
  assert.ok(!text.includes(`1: ${LONG}`));
  // The newest done step reads whole, every step is listed, the keys show.
  assert.ok(text.includes(`✓ 7. ${STEP_TITLES['destroy-source']}: 7: ${LONG}`), ls.join('\n'));
  assert.equal(ls.filter((l) => /^\S \d\. /.test(l)).length, MIGRATE_STEPS.length);
  assert.match(text, /Esc hides this/);
  m.unmount();
});
