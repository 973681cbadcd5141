/**
 * The D key in the TUI: what would be lost, refusal unless the label is typed, y/n only when verified; gone in
 * read-only mode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEY } from './harness.js';
import { fakeOps, fakePlan, mountWithOps } from './destroy-ops-fake.js';

// Instance 1001 (first row) has an unverified newer checkpoint; every other one is verified.
const plans = fakeOps((inst) => (inst.id === 1001 ? fakePlan(inst, 1500, 1000) : fakePlan(inst, 800, 800)));

test('unverified: shows host vs verified step, refuses y and a wrong label, destroys (forced) only on the typed label', async () => {
  const { ops, calls } = plans;
  const app = await mountWithOps(ops);
  const label = (await app.api.listInstances()).find((i) => i.id === 1001)!.label!;
  await app.press('D');
  let f = app.frame();
  assert.match(f, /Destroy 1001 /);
  assert.match(f, /newest checkpoint on the host: step 1500 {3}newest verified off it: step 1000/);
  assert.match(f, /NOT VERIFIED: would lose steps 1001–1500/);
  assert.match(f, new RegExp(`Type the label "${label}" and Enter to destroy anyway`));
  await app.press('y', KEY.enter);
  assert.equal(calls.destroy.length, 0, 'y is not the label');
  assert.match(app.frame(), /kept 1001: the label was not typed/);
  assert.doesNotMatch(app.frame(), /NOT VERIFIED/);

  await app.press('D');
  await app.type(label.slice(0, -1));
  await app.press(KEY.escape);
  assert.equal(calls.destroy.length, 0, 'escape keeps it');

  await app.press('D');
  await app.type(label);
  f = app.frame();
  assert.match(f, new RegExp(`> ${label}`));
  await app.press(KEY.enter);
  assert.deepEqual(calls.destroy, [{ id: 1001, force: true }]);
  assert.match(app.frame(), /destroyed 1001/);
  app.unmount();
});

test('verified: y/n, no label needed; n keeps it', async () => {
  const { ops, calls } = fakeOps((inst) => fakePlan(inst, 800, 800));
  const app = await mountWithOps(ops);
  await app.press('j', 'D');
  const f = app.frame();
  assert.match(f, /newest checkpoint on the host: step 800 {3}newest verified off it: step 800/);
  assert.match(f, /nothing would be lost/);
  assert.match(f, /destroy it\? \[y\/n\]/);
  await app.press('n');
  assert.equal(calls.destroy.length, 0);
  await app.press('D', 'y');
  assert.equal(calls.destroy.length, 1);
  assert.equal(calls.destroy[0]!.force, false);
  app.unmount();
});

test('read-only: D and M do nothing but say so; the footer does not offer destroy', async () => {
  const { ops, calls } = fakeOps((inst) => fakePlan(inst, 800, 800));
  const app = await mountWithOps(ops, { readOnly: true });
  assert.doesNotMatch(app.frame(), /destroy/);
  await app.press('D');
  assert.doesNotMatch(app.frame(), /Destroy 10/);
  assert.match(app.frame(), /read-only: destroy is off/);
  assert.equal(calls.destroy.length, 0);
  await app.press('M');
  assert.match(app.frame(), /read-only: migrate is off/);
  await app.press(':');
  await app.type('destroy');
  await app.press(KEY.enter);
  assert.match(app.frame(), /read-only: destroy is off/);
  assert.doesNotMatch(app.frame(), /unknown command/);
  assert.equal(calls.destroy.length, 0);
  app.unmount();
});

test('an empty label: the typed confirmation is the instance ID, and a bare Enter keeps it', async () => {
  const { ops, calls } = fakeOps((inst) =>
    fakePlan({ ...inst, label: inst.id === 1001 ? '' : inst.label }, 1500, 1000),
  );
  const app = await mountWithOps(ops);
  await app.press('D');
  assert.match(app.frame(), /Type the instance ID "1001" and Enter to destroy anyway/);
  await app.press(KEY.enter);
  assert.equal(calls.destroy.length, 0, 'a bare Enter never confirms');
  assert.match(app.frame(), /kept 1001/);
  await app.press('D');
  await app.type('1001');
  await app.press(KEY.enter);
  assert.deepEqual(calls.destroy, [{ id: 1001, force: true }]);
  app.unmount();
});

test('q while a destroy is in flight asks first', async () => {
  let finish!: () => void;
  const { ops } = fakeOps((inst) => fakePlan(inst, 800, 800), {
    destroy: (plan) =>
      new Promise(
        (resolve) =>
          (finish = () =>
            resolve({
              instanceId: plan.instanceId,
              outcome: 'destroyed',
              forced: false,
              message: `destroyed ${plan.instanceId}`,
            })),
      ),
  });
  const app = await mountWithOps(ops);
  await app.press('D');
  await app.press('y');
  await app.press('q');
  assert.match(app.frame(), /a destroy is in progress: quit anyway\?.*\[y\/n\]/);
  await app.press('n');
  finish();
  await app.press('j');
  await app.press('q');
  assert.doesNotMatch(app.frame(), /quit anyway/);
  app.unmount();
});
