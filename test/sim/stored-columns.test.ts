// The v1 list filters and sorts on storedColumns(rec) and builds full rows only for its page: the two must agree
// on every stored column, for every instance of the demo world.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../../src/sim/index.js';
import { instanceRow, storedColumns, STORED_COLUMNS } from '../../src/sim/rows.js';

const demo = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../src/sim/scenarios/demo.yaml');

test('storedColumns gives every stored column the value instanceRow gives it', async () => {
  const sim = await startSimulator({ scenario: demo, hosts: false, rateLimit: false });
  try {
    assert.ok(sim.world.instances.size > 5);
    for (const rec of sim.world.instances.values()) {
      const stored = storedColumns(rec);
      const row = instanceRow(rec, sim.world.now());
      assert.deepEqual(Object.keys(stored).sort(), [...STORED_COLUMNS].sort());
      for (const col of STORED_COLUMNS) assert.deepEqual(stored[col], row[col], `${rec.id} ${col}`);
    }
  } finally {
    await sim.close();
  }
});
