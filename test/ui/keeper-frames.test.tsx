/**
 * Keeper mode: `:keep N PREFIX PROFILE` starts the keeper, its decisions show in a panel, `:keep off` and K stop it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from 'ink-testing-library';
import { App } from '../../src/ui/App.js';
import { ThemeContext } from '../../src/ui/theme-context.js';
import { DARK } from '../../src/ui/theme.js';
import { FleetStore } from '../../src/core/fleet/store.js';
import { buildKeymap } from '../../src/ui/keymap/registry.js';
import { COMMANDS } from '../../src/ui/keymap/tui-commands.js';
import type { KeeperEvent } from '../../src/core/keeper/keeper.js';
import type { KeepArgs, KeeperControl } from '../../src/ui/keeper/control.js';
import { parseKeep } from '../../src/ui/keeper/control.js';
import { FAKE_NOW, FakeApi, makeFleet } from './fake-api.js';
import { settle } from './harness.js';

const ENTER = '\r';

/** A control that records starts and lets the test emit events and end the run. */
function fakeControl(fail?: string) {
  const starts: KeepArgs[] = [];
  let emit!: (e: KeeperEvent) => void;
  let stops = 0;
  let end!: () => void;
  const control: KeeperControl = {
    async start(args, onEvent, onInfo) {
      starts.push(args);
      if (fail) throw new Error(fail);
      onInfo('bootstrap weights found in hf:demo/run@main (newest step 500)');
      emit = onEvent;
      const done = new Promise<void>((r) => (end = r));
      return { stop: () => (stops++, end()), done };
    },
  };
  return { control, starts, emit: (e: KeeperEvent) => emit(e), stops: () => stops };
}

async function mountKeeper(control: KeeperControl | undefined, readOnly = false) {
  const api = new FakeApi(makeFleet(4));
  const store = new FleetStore({ api, pollMs: 2000, now: () => FAKE_NOW });
  await store.refresh();
  const r = render(
    <ThemeContext.Provider value={DARK}>
      <App
        store={store}
        keymap={buildKeymap(COMMANDS, { readOnly })}
        api={api}
        onQuit={() => {}}
        now={() => FAKE_NOW}
        tickMs={0}
        keeper={control}
      />
    </ThemeContext.Provider>,
  );
  await settle();
  return {
    frame: () => r.lastFrame() ?? '',
    async line(text: string) {
      for (const k of [':', ...text, ENTER]) {
        r.stdin.write(k);
        await settle();
      }
    },
    async press(k: string) {
      r.stdin.write(k);
      await settle();
    },
    unmount: () => r.unmount(),
  };
}

test(':keep starts the keeper; passes and decisions fill the panel under the table; :keep off stops it', async () => {
  const k = fakeControl();
  const app = await mountKeeper(k.control);
  await app.line('keep 3 zeb-large zeb-8xh100');
  await app.press('y');
  assert.deepEqual(k.starts, [{ target: 3, prefix: 'zeb-large', profile: 'zeb-8xh100' }]);
  let f = app.frame();
  assert.match(f, /keeper · keeping 3 of zeb-large \(profile zeb-8xh100\) · K stops/);
  assert.match(f, /bootstrap weights found in hf:demo\/run@main/);
  assert.match(f, /1001 /, 'the table is still there above the panel');
  const at = Date.UTC(2026, 0, 1, 12, 30, 5);
  k.emit({
    type: 'pass',
    at,
    credit: 42.5,
    workers: [
      { id: 1001, status: 'running', health: 'training' },
      { id: 1002, status: 'running', health: 'crashed' },
    ],
  });
  k.emit({
    type: 'decision',
    at,
    dryRun: false,
    result: 'destroyed 1002',
    action: {
      type: 'replace',
      instanceId: 1002,
      label: 'zeb-large-001',
      machineId: 7,
      trigger: 'fatal',
      reason: 'crashed for 5m',
    },
  });
  k.emit({
    type: 'decision',
    at,
    dryRun: false,
    result: 'launched 1 of 1: 2001',
    action: { type: 'launch', count: 1, reason: '2 of 3 workers alive' },
  });
  await settle();
  f = app.frame();
  assert.match(f, /12:30:05 2 workers: 1 training, 1 crashed; credit \$42\.50/);
  assert.match(f, /12:30:05 replace 1002 \(zeb-large-001\) \[fatal\]: crashed for 5m -> destroyed 1002/);
  assert.match(f, /12:30:05 launch: 2 of 3 workers alive -> launched 1 of 1: 2001/);
  assert.ok(f.split('\n').length <= 24, 'the frame still fits');

  await app.line('keep 2 x y');
  assert.equal(k.starts.length, 1, 'one keeper at a time');
  assert.match(app.frame(), /a keeper is already running/);

  await app.line('keep off');
  assert.equal(k.stops(), 1);
  await settle();
  assert.match(app.frame(), /keeper · stopped · K hides/);
  assert.match(app.frame(), /keeper stopped; the fleet is left running/);
  await app.press('K');
  assert.doesNotMatch(app.frame(), /keeper ·/, 'K hides the stopped panel');
  app.unmount();
});

test('K stops a running keeper; a refused start (no bootstrap weights) is reported, nothing runs', async () => {
  const k = fakeControl();
  const app = await mountKeeper(k.control);
  await app.line('keep 1 zeb-large zeb-8xh100');
  await app.press('y');
  await app.press('K');
  assert.equal(k.stops(), 1);
  app.unmount();

  const bad = fakeControl(
    'not launching: no weights in hf:demo/run@main: upload the starting checkpoint there before launching workers',
  );
  const app2 = await mountKeeper(bad.control);
  await app2.line('keep 1 zeb-large zeb-8xh100');
  await app2.press('y');
  assert.match(app2.frame(), /keeper not started: not launching: no weights in hf:demo\/run@main/);
  assert.match(app2.frame(), /keeper · stopped/);
  app2.unmount();
});

test('bad arguments give the usage; read-only says :keep and K are off', async () => {
  assert.deepEqual(parseKeep(' 4  mosaic-gpt2 mosaic-gpt2 '), {
    target: 4,
    prefix: 'mosaic-gpt2',
    profile: 'mosaic-gpt2',
  });
  assert.equal(parseKeep('off'), 'off');
  assert.match(parseKeep('x a b') as string, /N must be a whole number/);
  assert.match(parseKeep('3 a') as string, /usage: :keep N LABEL-PREFIX PROFILE/);

  const k = fakeControl();
  const app = await mountKeeper(k.control);
  await app.line('keep 3 only-two');
  assert.match(app.frame(), /usage: :keep N LABEL-PREFIX PROFILE/);
  assert.equal(k.starts.length, 0);
  app.unmount();

  const ro = await mountKeeper(k.control, true);
  await ro.line('keep 3 zeb-large zeb-8xh100');
  assert.match(ro.frame(), /read-only: keep is off/);
  await ro.press('K');
  assert.match(ro.frame(), /read-only: .* is off/);
  assert.equal(k.starts.length, 0);
  ro.unmount();
  const km = buildKeymap(COMMANDS, { readOnly: true });
  assert.equal(km.get('keeper.stop'), undefined);
});

test(':keep is dangerous: the plan (rentals, profile, max $/hr, budget) is confirmed once before anything is rented', async () => {
  const k = fakeControl();
  const app = await mountKeeper(k.control);
  await app.line('keep 3 zeb-large zeb-8xh100 1.5');
  const f = app.frame();
  assert.equal(k.starts.length, 0, 'nothing starts before the answer');
  assert.match(f, /keep 3 workers labelled zeb-large\* from profile zeb-8xh100/);
  assert.match(f, /rents up to 3 now/);
  assert.match(f, /max \$1\.500\/hr per worker/);
  assert.match(f, /budget:/);
  assert.match(f, /start it\? \[y\/n\]/);
  await app.press('n');
  assert.equal(k.starts.length, 0, 'n cancels');
  assert.match(app.frame(), /not started/);
  await app.line('keep 3 zeb-large zeb-8xh100 1.5');
  await app.press('y');
  assert.deepEqual(k.starts, [{ target: 3, prefix: 'zeb-large', profile: 'zeb-8xh100', maxDph: 1.5 }]);
  app.unmount();
});
