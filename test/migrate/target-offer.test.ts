// What a migration rents: never another GPU model (or count) than the source's unless the user chose the offer,
// and the confirmation names GPU, count, $/hr, location and label before anything is rented.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProfiles } from '../../src/core/profiles/load.js';
import { describeTarget, findCandidates, migrationSpec } from '../../src/core/ops/migrate-setup.js';
import type { VastApi } from '../../src/core/vast/api.js';
import type { OfferQuery } from '../../src/core/vast/offer-query.js';
import { offer } from '../checks/offer-fixture.js';
import { makeInstance } from '../ui/fake-api.js';

const profiles = parseProfiles(
  'profiles:\n  p:\n    model: gpt2\n    label: "mosaic-{model}-{gpu_type}"\n    image: ' +
    'pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel\n    diskGb: 40\n    resume: "echo {checkpoint}"\n    ' +
    'checkpoint: { kind: hf, repo: me/run }\n',
  'p.yaml',
);
const source = makeInstance(0, { id: 5001, gpuName: 'RTX 4090', numGpus: 1 });

test('a 4090 run is never moved to a 3090 (or 2×4090) that the profile query would also allow; the query asks for the model', async () => {
  const queries: OfferQuery[] = [];
  // The cheaper 3090 ranks first, as it did when the migration rented one.
  const market = [
    offer({ id: 1, gpuName: 'RTX 3090', dphTotal: 0.2 }),
    offer({ id: 2, gpuName: 'RTX 4090', numGpus: 2, dphTotal: 0.7 }),
    offer({ id: 3, gpuName: 'RTX 4090', dphTotal: 0.4, gpuRamGb: 24.5 }),
  ];
  const api = { searchOffers: async (q: OfferQuery) => (queries.push(q), market) } as unknown as VastApi;
  const spec = migrationSpec(5001, 'p', 'p.yaml', profiles.p!);
  const got = await findCandidates(api, profiles.p!, spec, source);
  assert.deepEqual(
    got.map((o) => o.id),
    [3],
  );
  assert.deepEqual(queries[0]!.filters.gpu_name, { eq: 'RTX 4090' });
  assert.deepEqual(queries[0]!.filters.num_gpus, { eq: 1 });
});

test('an offer the user chose by id is rented whatever its GPU', async () => {
  const api = { searchOffers: async () => [offer({ id: 77, gpuName: 'RTX 3090' })] } as unknown as VastApi;
  const spec = migrationSpec(5001, 'p', 'p.yaml', profiles.p!, { offerId: 77 });
  assert.deepEqual(
    (await findCandidates(api, profiles.p!, spec, source)).map((o) => o.id),
    [77],
  );
});

test('the confirmation line names GPU, count, $/hr, location and the label with the migration id', () => {
  const spec = migrationSpec(5001, 'p', 'p.yaml', profiles.p!);
  const line = describeTarget(
    offer({ id: 3, gpuName: 'RTX 4090', numGpus: 1, dphTotal: 0.412, geolocation: 'Texas, US' }),
    profiles.p!,
    spec,
  );
  assert.equal(line, `1× RTX 4090 at $0.412/hr in Texas, US (offer 3), labelled mosaic-gpt2-1x4090`);
});
