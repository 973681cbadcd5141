/** The saved blacklist in the CLI: `offers` leaves the machines out, `provision --offer-id` refuses one. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { addToBlacklist } from '../../src/core/offers/blacklist.js';
import { defaultOfferQuery } from '../../src/core/vast/offer-query.js';
import { runCli } from '../helpers/run-cli.js';
import { PROFILES_YAML } from '../profiles/fixtures.js';

let sim: SimHandle;
let dir: string;
before(async () => {
  sim = await startSimulator({ seed: 8, rateLimit: false, scenario: { market: { size: 600 } } });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vd-bl-cli-'));
  writeFileSync(path.join(dir, 'profiles.yaml'), PROFILES_YAML);
});
after(async () => sim?.close());

const cli = (argv: string[]) =>
  runCli([...argv, '--api-url', sim.url, '--api-key', sim.apiKey], {
    env: {
      XDG_STATE_HOME: path.join(dir, 'state'),
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      HF_TOKEN: 'x',
      VAST_API_KEY: '',
    },
  });

test('a blacklisted machine is left out of offers and refused by provision --offer-id', async () => {
  const client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
  const q = defaultOfferQuery();
  q.order = [['dph_total', 'asc']];
  q.limit = 20;
  const [cheapest] = await client.searchOffers(q);
  const before = await cli(['offers', 'dph_total>0', '--order', 'dph_total', '--limit', '20', '--json']);
  assert.equal(before.code, 0, before.err);
  assert.ok((JSON.parse(before.out) as Array<{ machineId: number }>).some((o) => o.machineId === cheapest!.machineId));

  await addToBlacklist(
    {
      machineId: cheapest!.machineId,
      reason: 'GPU 0 is NVIDIA GeForce RTX 3080, the offer said RTX 3090',
      at: Date.now(),
    },
    path.join(dir, 'state', 'vastdeck', 'blacklist.json'),
  );
  const after = await cli(['offers', 'dph_total>0', '--order', 'dph_total', '--limit', '20', '--json']);
  assert.equal(after.code, 0, after.err);
  assert.ok(!(JSON.parse(after.out) as Array<{ machineId: number }>).some((o) => o.machineId === cheapest!.machineId));

  const r = await cli([
    'provision',
    '--profile',
    'tiny',
    '--profiles',
    path.join(dir, 'profiles.yaml'),
    '--offer-id',
    String(cheapest!.id),
    '--dry-run',
  ]);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, new RegExp(`offer ${cheapest!.id} is on machine ${cheapest!.machineId}, which is blacklisted`));
});
