/** Keys that arrive in one input chunk (tmux send-keys, a fast typist): none is lost, control keys included. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitChunk } from '../../src/ui/keymap/keys.js';
import { mountOffers } from './offers-harness.js';
import { mount, KEY } from './harness.js';

/** Waits (up to 2 s) until `ok()` holds: a chunk is run one key per render. */
async function until(ok: () => boolean) {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
}

test('splitChunk keeps a control key (ctrl+u) as a key of its own', () => {
  assert.deepEqual(splitChunk('/\x15'), [
    { text: '/', key: {} },
    { text: 'u', key: { ctrl: true } },
  ]);
  assert.deepEqual(splitChunk('ab\x15cd\r'), [
    { text: 'ab', key: {} },
    { text: 'u', key: { ctrl: true } },
    { text: 'cd', key: {} },
    { text: '', key: { return: true } },
  ]);
});

test('offers: "/" and ctrl+u in one chunk open the filter line and clear it', async () => {
  const m = await mountOffers({ columns: 200, rows: 40 });
  try {
    await m.press('o');
    await m.press('/');
    await m.type('gpu_name=RTX 4090');
    await m.press(KEY.enter);
    await m.press('/\x15');
    assert.match(m.lines().at(-3)!, /^\/ ?$/, `ctrl+u in the same chunk cleared the line: ${m.lines().at(-3)}`);
    await m.press('num_gpus>=2\x15x');
    await until(() => /^\/x ?$/.test(m.lines().at(-3)!));
    assert.match(m.lines().at(-3)!, /^\/x ?$/, `text, ctrl+u and text in one chunk: ${m.lines().at(-3)}`);
  } finally {
    m.unmount();
  }
});

test('fleet: a filter typed, cleared and retyped in one chunk', async () => {
  const app = await mount({ columns: 120, rows: 30 });
  try {
    await app.press('/abc\x15zeb');
    await until(() => app.lines().some((l) => /^\/zeb ?$/.test(l.trim())));
    assert.ok(
      app.lines().some((l) => /^\/zeb ?$/.test(l.trim())),
      app.frame(),
    );
  } finally {
    app.unmount();
  }
});

test('fleet: 200 held keys on a 150-row fleet move the cursor 149 rows, one at a time, and nothing crashes', async () => {
  // Each key moves the selection (a view-store update); run one per commit inside React's effects, they used to
  // nest 200 synchronous updates and React stopped the app ("Maximum update depth exceeded", error #185).
  const app = await mount({ n: 150, columns: 120, rows: 30 });
  try {
    await app.press('j'.repeat(200));
    await until(() => app.lines().some((l) => /^›\s*1150\b/.test(l)));
    const selected = app.lines().find((l) => l.startsWith('›')) ?? '';
    assert.match(selected, /^›\s*1150\b/, app.frame()); // the last of 1001…1150
    assert.equal(app.quits(), 0);
  } finally {
    app.unmount();
  }
});
