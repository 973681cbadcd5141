/**
 * The display-status table (STATUS in core/fleet/status.ts): the footer order, colour levels and labels come from its
 * rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STATUS, STATUS_ORDER, instanceView, statusLevel, type DisplayStatus } from '../../src/core/fleet/status.js';
import { DARK } from '../../src/ui/theme.js';
import { levelColor } from '../../src/ui/theme-context.js';
import { FLEET_COLUMNS, fleetRow } from '../../src/core/present/fleet-columns.js';
import { FAKE_NOW, makeInstance } from '../ui/fake-api.js';

test("the footer counts statuses in the table's order, every status once", () => {
  assert.deepEqual(STATUS_ORDER, [
    'running',
    'loading',
    'stuck',
    'provisioning',
    'created',
    'rebooting',
    'frozen',
    'stopped',
    'outbid',
    'exited',
    'offline',
    'unknown',
  ]);
  assert.deepEqual([...STATUS_ORDER].sort(), Object.keys(STATUS).sort());
});

test('level, colour and the STATUS cell are read from the row', () => {
  for (const s of STATUS_ORDER) {
    assert.equal(statusLevel(s), STATUS[s].level, s);
    assert.notEqual(levelColor(DARK, STATUS[s].level), undefined, `${s} has a colour`);
  }
  const outbid = makeInstance(0, { status: 'stopped', isBid: true });
  const v = instanceView(outbid, FAKE_NOW, undefined);
  assert.equal(v.status, 'outbid' satisfies DisplayStatus);
  assert.equal(v.level, 'warn');
  const statusColumn = FLEET_COLUMNS.find((c) => c.id === 'status')!;
  assert.equal(statusColumn.render(fleetRow(outbid, FAKE_NOW, undefined, undefined)), STATUS.outbid.label);
});
