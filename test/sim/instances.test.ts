import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimHandle } from '../../src/sim/index.js';
import { call, quietSim, rentOne, show } from './helpers.js';

let sim: SimHandle;
before(async () => {
  sim = await quietSim({ seed: 11, scenario: { market: { size: 3000 }, balance: 100_000 } });
});
after(() => sim.close());

describe('instance lifecycle', () => {
  test('create: new_contract, offer leaves the market, 410 when taken, 404 when unknown', async () => {
    const { id, offer } = await rentOne(sim);
    assert.ok(Number.isInteger(id));
    const again = await call(sim, 'PUT', `/api/v0/asks/${offer.id}/`, { image: 'x', disk: 10 });
    assert.equal(again.status, 410);
    assert.equal(again.json.error, 'no_such_ask');
    const gone = await call(sim, 'POST', '/api/v0/bundles/', { id: { eq: offer.id } });
    assert.equal(gone.json.offers.length, 0);
    const unknown = await call(sim, 'PUT', '/api/v0/asks/1/', { image: 'x', disk: 10 });
    assert.equal(unknown.status, 404);
    assert.match(unknown.json.msg, /no_such_ask/);
  });

  test('create validates its body', async () => {
    const s = await call(sim, 'POST', '/api/v0/bundles/', { disk_space: { gte: 100 }, limit: 1 });
    const id = s.json.offers[0].id;
    const bad = await call(sim, 'PUT', `/api/v0/asks/${id}/`, { image: 'x', disk: 'lots' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error, 'invalid_args');
    const tooBig = await call(sim, 'PUT', `/api/v0/asks/${id}/`, { image: 'x', disk: 1e6 });
    assert.equal(tooBig.status, 400);
    const lowBid = await call(sim, 'PUT', `/api/v0/asks/${id}/`, { image: 'x', disk: 10, price: 0.0001 });
    assert.equal(lowBid.json.error, 'invalid_price');
  });

  test('null → loading → running on the advanced clock; row shape for the CLI', async () => {
    const { id } = await rentOne(sim, { runtype: 'ssh_direc ssh_proxy', env: { TZ: 'UTC', '-p 8080:8080': '1' } });
    let row = await show(sim, id);
    assert.equal(row.actual_status, null);
    assert.equal(typeof row.start_date, 'number');
    assert.deepEqual(row.extra_env, [
      ['TZ', 'UTC'],
      ['-p 8080:8080', '1'],
    ]);
    assert.equal(row.ports, undefined, 'no ports before running');
    assert.equal(row.ssh_host, '127.0.0.1');
    sim.advance(10_000);
    row = await show(sim, id);
    assert.equal(row.actual_status, 'loading');
    sim.advance(200_000);
    row = await show(sim, id);
    assert.equal(row.actual_status, 'running');
    assert.equal(row.public_ipaddr, '127.0.0.1');
    assert.deepEqual(row.ports['22/tcp'], [{ HostIp: '0.0.0.0', HostPort: String(row.ssh_port + 2) }]);
    assert.ok(row.gpu_util > 0);
  });

  test('ssh ports are unique per instance', async () => {
    const a = await rentOne(sim);
    const b = await rentOne(sim);
    const ra = await show(sim, a.id);
    const rb = await show(sim, b.id);
    assert.notEqual(ra.ssh_port, rb.ssh_port);
    assert.ok(Math.abs(ra.ssh_port - rb.ssh_port) >= 4);
  });

  test('label, stop, start, reboot', async () => {
    const { id } = await rentOne(sim);
    sim.advance(300_000);
    const lab = await call(sim, 'PUT', `/api/v0/instances/${id}/`, { label: 'zeb-large-7' });
    assert.equal(lab.status, 200);
    assert.equal(lab.json.success, true);
    assert.equal((await show(sim, id)).label, 'zeb-large-7');
    const long = await call(sim, 'PUT', `/api/v0/instances/${id}/`, { label: 'x'.repeat(1100) });
    assert.equal(long.json.error, 'label_too_long');
    await call(sim, 'PUT', `/api/v0/instances/${id}/`, { state: 'stopped' });
    const row = await show(sim, id);
    assert.equal(row.actual_status, 'stopped');
    assert.equal(row.intended_status, 'stopped');
    assert.equal(row.ports, undefined);
    await call(sim, 'PUT', `/api/v0/instances/${id}/`, { state: 'running' });
    assert.equal((await show(sim, id)).actual_status, 'loading');
    sim.advance(60_000);
    assert.equal((await show(sim, id)).actual_status, 'running');
    const rb = await call(sim, 'PUT', `/api/v0/instances/reboot/${id}/`, {});
    assert.equal(rb.json.success, true);
    assert.equal((await show(sim, id)).actual_status, 'rebooting');
    sim.advance(120_000);
    assert.equal((await show(sim, id)).actual_status, 'running');
  });

  test('destroy: gone from show (null), offer back on the market, 404 after', async () => {
    const { id, offer } = await rentOne(sim);
    const d = await call(sim, 'DELETE', `/api/v0/instances/${id}/`, {});
    assert.equal(d.status, 200);
    assert.equal(d.json.success, true);
    const one = await call(sim, 'GET', `/api/v0/instances/${id}/`);
    assert.equal(one.status, 200);
    assert.equal(one.json.instances, null);
    const back = await call(sim, 'POST', '/api/v0/bundles/', { id: { eq: offer.id } });
    assert.equal(back.json.offers.length, 1);
    const again = await call(sim, 'DELETE', `/api/v0/instances/${id}/`, {});
    assert.equal(again.status, 404);
    const label = await call(sim, 'PUT', `/api/v0/instances/${id}/`, { label: 'x' });
    assert.equal(label.status, 404);
    assert.equal(label.json.msg, `Instance ${id} not found.`);
  });

  test('interruptible instances get outbid → stopped, still billed for storage', async () => {
    const s = await call(sim, 'POST', '/api/v0/bundles/', { type: 'bid', disk_space: { gte: 60 }, limit: 1 });
    const o = s.json.offers[0];
    const c = await call(sim, 'PUT', `/api/v0/asks/${o.id}/`, { image: 'x', disk: 20, price: o.min_bid * 1.1 });
    assert.equal(c.status, 200);
    const id = c.json.new_contract;
    sim.advance(300_000);
    assert.equal((await show(sim, id)).is_bid, true);
    sim.advance(30 * 24 * 3_600_000); // far beyond the mean time to outbid
    const row = await show(sim, id);
    assert.equal(row.actual_status, 'stopped');
    assert.match(row.status_msg, /outbid/);
  });

  test('attach an ssh key', async () => {
    const { id } = await rentOne(sim);
    const okKey = await call(sim, 'POST', `/api/v0/instances/${id}/ssh/`, {
      ssh_key: 'ssh-ed25519 AAAAC3Nza test@host',
    });
    assert.equal(okKey.status, 200);
    assert.equal(okKey.json.success, true);
    assert.equal(typeof okKey.json.msg, 'string');
    const list = await call(sim, 'GET', `/api/v0/instances/${id}/ssh/`);
    assert.equal(JSON.parse(list.json.ssh_keys)[0].public_key, 'ssh-ed25519 AAAAC3Nza test@host');
    const bad = await call(sim, 'POST', `/api/v0/instances/${id}/ssh/`, {
      ssh_key: '-----BEGIN OPENSSH PRIVATE KEY-----',
    });
    assert.equal(bad.status, 400);
  });

  test('filters route lists status/verification/gpu combinations', async () => {
    const r = await call(sim, 'GET', '/api/v0/instances/filters/');
    assert.equal(r.status, 200);
    assert.ok(r.json.filters.length > 0);
    assert.ok('actual_status' in r.json.filters[0] && 'gpu_name' in r.json.filters[0]);
  });
});
