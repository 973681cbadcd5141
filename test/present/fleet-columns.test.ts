// The shared fleet columns: one row in core/present/fleet-columns.ts shows in `vastdeck instances` and in the
// TUI's fleet table. DISK (used/allocated GB) was added that way, at the lowest priority.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FLEET_COLUMNS, fleetRow } from '../../src/core/present/fleet-columns.js';
import { renderTable } from '../../src/cli/table.js';
import { layoutColumns } from '../../src/ui/cells.js';
import { FAKE_NOW, makeInstance } from '../ui/fake-api.js';

const disk = FLEET_COLUMNS.find((c) => c.id === 'disk')!;
const row = (over: Parameters<typeof makeInstance>[1]) =>
  fleetRow(makeInstance(0, over), FAKE_NOW, undefined, undefined);

test('DISK shows used/allocated GB, allocated alone when usage is unknown, – without either', () => {
  assert.equal(disk.render(row({ diskGb: 60, diskUsedGb: 41.4 })), '41/60G');
  assert.equal(disk.render(row({ diskGb: 500, diskUsedGb: null })), '500G');
  assert.equal(disk.render(row({ diskGb: null, diskUsedGb: null })), '–');
});

test('DISK is in the CLI table and the TUI table when there is room, and the first dropped when there is not', () => {
  const rows = [row({ diskGb: 60, diskUsedGb: 41 }), row({ id: 7, diskGb: 120, diskUsedGb: null })];
  const wide = renderTable(rows, FLEET_COLUMNS, 200).split('\n');
  assert.match(wide[0]!, /\bAGE\s+DISK\s+MESSAGE\b/);
  assert.match(wide[1]!, /\s41\/60G\s/);
  assert.match(wide[2]!, /\s120G\s/);
  assert.ok(layoutColumns(200).some((c) => c.def.id === 'disk'));
  // The TUI's narrowest full row, less one cell: DISK goes, everything else stays.
  const all = layoutColumns(1000).map((c) => c.def.id!);
  const minWidth = FLEET_COLUMNS.filter((c) => all.includes(c.id!)).reduce((n, c) => n + c.min!, 0) + all.length - 1;
  assert.deepEqual(
    layoutColumns(minWidth).map((c) => c.def.id),
    all,
  );
  assert.deepEqual(
    layoutColumns(minWidth - 1).map((c) => c.def.id),
    all.filter((id) => id !== 'disk'),
  );
  const narrowCli = renderTable(rows, FLEET_COLUMNS, 100).split('\n')[0]!;
  assert.doesNotMatch(narrowCli, /DISK/);
  assert.match(narrowCli, /STATUS/);
});

test('DISK never costs the label its width: at 120 columns the label has room for "zeb-large-main"', () => {
  // The TUI table is 119 wide at 120 columns (one for the selection marker). With DISK shown there, the label
  // stayed at its minimum, 12, and the demo's labels were cut ("zeb-large-ma…").
  const at120 = layoutColumns(119);
  const label = at120.find((c) => c.def.id === 'label')!;
  assert.ok(label.width >= 'zeb-large-main'.length, `label ${label.width} wide`);
  assert.ok(
    layoutColumns(199).some((c) => c.def.id === 'disk'),
    'DISK shows on a wide terminal',
  );
});
