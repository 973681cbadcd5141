/**
 * The `:` command line runs the same commands as the keys: :log, :attach, :ssh, :destroy, :migrate (and is gone in
 * read-only).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEY } from './harness.js';
import { waitFor } from '../helpers/wait.js';
import { mountLogs } from './logs-fixture.js';
import { fakeOps, fakePlan, mountWithOps } from './destroy-ops-fake.js';
import { buildKeymap } from '../../src/ui/keymap/registry.js';
import { COMMANDS } from '../../src/ui/keymap/tui-commands.js';

const ENTER = '\r';

test(':log opens the split log pane of the selected instance; :log again closes it', async () => {
  const m = await mountLogs();
  await m.press(':', ...'log', ENTER);
  // The pane opens at once; its store starts after a short debounce.
  await waitFor(async () => (await m.press(), m.panes.length > 0 && m.pool.follows.length > 0), {
    what: 'the log pane of 1001 started',
    detail: m.frame,
  });
  assert.match(m.frame(), /log 1001 /);
  await m.press(':', ...'log', ENTER);
  assert.doesNotMatch(m.frame(), /log 1001 /);
  m.unmount();
});

test(':attach and :ssh hand the selected instance to the attach runner, tmux vs shell', async () => {
  const calls: Array<[number, string]> = [];
  const m = await mountLogs({
    onAttach: async (inst, how) => (calls.push([inst.id, how]), { text: `back from ${how}`, level: 'info' }),
  });
  await m.press(':', ...'attach', ENTER);
  await m.press(KEY.down, ':', ...'ssh', ENTER);
  assert.deepEqual(calls, [
    [1001, 'tmux'],
    [1002, 'shell'],
  ]);
  assert.match(m.frame(), /back from shell/);
  m.unmount();
});

test(':destroy opens the destroy confirmation, :migrate the wizard', async () => {
  const { ops } = fakeOps((inst) => fakePlan(inst, 800, 800));
  const app = await mountWithOps(ops);
  await app.press(':');
  await app.type('destroy');
  await app.press(KEY.enter);
  assert.match(app.frame(), /Destroy 1001 /);
  await app.press('n');
  assert.doesNotMatch(app.frame(), /Destroy 1001 /);
  await app.press(':');
  await app.type('migrate');
  await app.press(KEY.enter);
  assert.match(app.frame(), /gpt2-a/);
  app.unmount();
});

test('read-only: :destroy and :migrate are unknown commands; :log, :attach, :ssh stay', () => {
  const ro = buildKeymap(COMMANDS, { readOnly: true });
  assert.equal(ro.byCmd('destroy'), undefined);
  assert.equal(ro.byCmd('migrate'), undefined);
  for (const name of ['log', 'attach', 'ssh', 'offers', 'env']) assert.ok(ro.byCmd(name), name);
});
