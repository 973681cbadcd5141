import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WireCharge, WireInstance, WireOffer, WireUser } from '../../src/core/vast/schemas.js';
import {
  chargeFromWire,
  countryOf,
  instanceFromWire,
  offerFromWire,
  sshEndpoint,
  statusOf,
  userFromWire,
} from '../../src/core/vast/units.js';
import { wireInstance } from './helpers.js';

const wireOffer = {
  id: 555001,
  machine_id: 42,
  host_id: 7,
  num_gpus: 2,
  gpu_name: 'RTX 4090',
  gpu_ram: 24564,
  gpu_total_ram: 49128,
  cpu_ram: 128000,
  cpu_cores: 32,
  cpu_cores_effective: 16,
  cpu_name: 'AMD EPYC 7B13',
  disk_space: 200.5,
  disk_bw: 3000,
  inet_down: 870.3,
  inet_up: 650.1,
  reliability: 0.97,
  reliability2: 0.985,
  dph_total: 0.812,
  dph_base: 0.78,
  min_bid: 0.4,
  storage_cost: 0.15,
  dlperf: 60.1,
  dlperf_per_dphtotal: 74,
  total_flops: 165,
  cuda_max_good: 12.4,
  compute_cap: 890,
  driver_version: '550.54.14',
  geolocation: 'Texas, US',
  verification: 'verified',
  duration: 2592000,
  direct_port_count: 20,
  pcie_bw: 24.5,
  score: 123.4,
  search: { totalHour: 0.8 },
  extra_field: 1,
};

describe('wire → domain units', () => {
  test('offer: MB→GB, compute_cap ÷100, seconds→days, reliability2 preferred, country code', () => {
    const o = offerFromWire(WireOffer.parse(wireOffer));
    assert.equal(o.gpuRamGb, 24.564);
    assert.equal(o.gpuTotalRamGb, 49.128);
    assert.equal(o.cpuRamGb, 128);
    assert.equal(o.computeCap, 8.9);
    assert.equal(o.durationDays, 30);
    assert.equal(o.reliability, 0.985);
    assert.equal(o.country, 'US');
    assert.equal(o.cpuCores, 16);
    assert.equal(o.verified, true);
    assert.equal(o.dphTotal, 0.812);
    assert.equal(o.inetDownMbps, 870.3);
    assert.ok(!('extra_field' in WireOffer.parse(wireOffer)), 'strip mode drops unknown keys');
  });

  test('offer: sloppy nulls get safe defaults, reliability falls back', () => {
    const o = offerFromWire(
      WireOffer.parse({ id: 1, reliability: 0.9, gpu_ram: 8000, num_gpus: 4, duration: null, compute_cap: null }),
    );
    assert.equal(o.reliability, 0.9);
    assert.equal(o.gpuTotalRamGb, 32);
    assert.equal(o.durationDays, null);
    assert.equal(o.computeCap, null);
    assert.equal(o.country, null);
    assert.equal(o.verified, false);
  });

  test('instance: units, env keys only, ports as numbers, epoch ms, runtype tokens', () => {
    const i = instanceFromWire(WireInstance.parse(wireInstance(1001)));
    assert.equal(i.gpuRamGb, 24.564);
    assert.equal(i.cpuRamGb, 64);
    assert.equal(i.cpuUtilPct, 25);
    assert.equal(i.gpuUtilPct, 87.5);
    assert.equal(i.diskUsedGb, 12.3);
    assert.equal(i.reliability, 0.991);
    assert.equal(i.storageDph, 0.012);
    assert.deepEqual(i.envKeys, ['HF_TOKEN', '-p 8080:8080']);
    assert.ok(!JSON.stringify(i).includes('hf_secret_value'), 'env values never reach the domain object');
    assert.deepEqual(i.ports, { '22/tcp': [40001] });
    assert.equal(i.startedAt, 1767225600500);
    assert.deepEqual(i.runtype, ['ssh', 'ssh_direc', 'ssh_proxy']);
    assert.equal(i.status, 'running');
    assert.equal(i.verified, true);
  });

  test('instance: disk_usage -1 → null, status null → provisioning, label and status_msg sanitized', () => {
    const w = wireInstance(7, {
      disk_usage: -1,
      actual_status: null,
      label: 'evil\x1b]52;c;ZWNobyBoaQ==\x07label\x1b[31m',
      status_msg: 'pulling\x1b[2J\r\nimage',
      ports: null,
      extra_env: null,
    });
    const i = instanceFromWire(WireInstance.parse(w));
    assert.equal(i.diskUsedGb, null);
    assert.equal(i.status, 'provisioning');
    assert.equal(i.label, 'evillabel');
    assert.equal(i.statusMsg, 'pullingimage');
    assert.deepEqual(i.ports, {});
    assert.deepEqual(i.envKeys, []);
    assert.equal(statusOf('weird_new_state'), 'unknown');
    assert.equal(statusOf('exited'), 'exited');
  });

  test('countryOf', () => {
    assert.equal(countryOf('Texas, US'), 'US');
    assert.equal(countryOf('CA'), 'CA');
    assert.equal(countryOf('California, United States'), null);
    assert.equal(countryOf(null), null);
  });

  test('user: api_key dropped; charge: source → instance id, epoch s → ms', () => {
    const u = userFromWire(
      WireUser.parse({ id: 5, username: 'me', email: 'a@b.c', credit: 25, balance: -1.5, api_key: 'KEY123' }),
    );
    assert.deepEqual(u, { id: 5, username: 'me', email: 'a@b.c', credit: 25, balance: -1.5 });
    const c = chargeFromWire(
      WireCharge.parse({
        start: 1767225600,
        end: 1767229200.25,
        type: 'instance',
        source: 'instance-1001',
        description: '1.000 hours at $0.389/hour',
        amount: 0.389,
      }),
    );
    assert.equal(c.instanceId, 1001);
    assert.equal(c.start, 1767225600000);
    assert.equal(c.end, 1767229200250);
    assert.equal(
      chargeFromWire(WireCharge.parse({ start: 0, end: 1, source: 'volume-3', amount: 1 })).instanceId,
      null,
    );
  });
});

describe('sshEndpoint (vast-api.md §7)', () => {
  const inst = (over: Record<string, unknown>) => instanceFromWire(WireInstance.parse(wireInstance(1001, over)));

  test('direct when ports["22/tcp"] exists: public ip and HostPort', () => {
    assert.deepEqual(sshEndpoint(inst({})), { host: '203.0.113.9', port: 40001, kind: 'direct' });
  });

  test('proxy otherwise: ssh_host:ssh_port', () => {
    assert.deepEqual(sshEndpoint(inst({ ports: {}, image_runtype: 'ssh' })), {
      host: 'ssh5.vast.ai',
      port: 32001,
      kind: 'proxy',
    });
  });

  test('proxy +1 when the runtype has jupyter', () => {
    assert.deepEqual(sshEndpoint(inst({ ports: null, image_runtype: 'jupyter_proxy ssh_proxy' })), {
      host: 'ssh5.vast.ai',
      port: 32002,
      kind: 'proxy',
    });
  });

  test('null while nothing is known yet', () => {
    assert.equal(sshEndpoint(inst({ ports: null, ssh_host: null, ssh_port: null })), null);
  });
});
