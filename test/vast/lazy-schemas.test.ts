// Schemas built on first use (src/core/util/lazy.ts, used by every export of schemas.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as z from 'zod';
import { lazy } from '../../src/core/util/lazy.js';
import { InstancesPage, WireInstance } from '../../src/core/vast/schemas.js';

test('the value is built on the first property read, once', () => {
  let builds = 0;
  const s = lazy(() => (builds++, z.object({ id: z.number() })));
  assert.equal(builds, 0, 'not built when defined');
  assert.equal(s.safeParse({ id: 1, extra: 2 }).success, true);
  assert.deepEqual(s.parse({ id: 1, extra: 2 }), { id: 1 });
  assert.equal(s.safeParse({ id: 'x' }).success, false);
  assert.equal(builds, 1);
});

test('a stand-in acts as the schema: instanceof, `in`, keys, use inside another schema', () => {
  const s = lazy(() => z.object({ id: z.number() }));
  assert.ok(s instanceof z.ZodObject);
  assert.ok('safeParse' in s);
  assert.ok(Reflect.ownKeys(s).includes('_zod'));
  assert.deepEqual(z.array(s).parse([{ id: 1, x: 0 }]), [{ id: 1 }]);
});

test('the wire schemas parse through their stand-ins as zod schemas do', () => {
  assert.deepEqual(InstancesPage.parse({ instances: [1], next_token: null, more: 1 }), {
    instances: [1],
    next_token: null,
  });
  const row = WireInstance.parse({
    id: 5,
    label: null,
    is_bid: 1,
    ports: { '22/tcp': [{ HostIp: '0.0.0.0', HostPort: '4022' }] },
    junk: 1,
  });
  assert.deepEqual(row, {
    id: 5,
    label: null,
    is_bid: 1,
    ports: { '22/tcp': [{ HostIp: '0.0.0.0', HostPort: '4022' }] },
  });
  assert.equal(WireInstance.safeParse({ id: 'five' }).success, false);
});
