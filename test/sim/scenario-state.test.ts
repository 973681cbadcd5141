import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario, startSimulator } from '../../src/sim/index.js';
import { call, rentOne, show } from './helpers.js';

const DEMO = fileURLToPath(new URL('../../src/sim/scenarios/demo.yaml', import.meta.url));
let dir: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vd-sim-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const allRows = async (sim: Awaited<ReturnType<typeof startSimulator>>) =>
  (await call(sim, 'GET', '/api/v0/instances/')).json.instances as any[];

describe('scenario', () => {
  test('demo.yaml: ~12 instances, zeb-large-* and mosaic-gpt2-* labels, mixed states, one stuck loading', async () => {
    const sim = await startSimulator({ scenario: DEMO, rateLimit: false });
    try {
      const rows = await allRows(sim);
      assert.ok(rows.length >= 10 && rows.length <= 16, `${rows.length} instances`);
      assert.ok(rows.every((r) => /^(zeb-large|mosaic-gpt2)-/.test(r.label)));
      const states = new Set(rows.map((r) => r.actual_status));
      for (const s of ['running', 'loading', 'stopped', 'exited']) assert.ok(states.has(s), s);
      assert.ok(rows.some((r) => r.actual_status === 'stopped' && /outbid/.test(r.status_msg)));
      sim.advance(6 * 3_600_000);
      const later = await allRows(sim);
      const stuck = later.filter((r) => r.actual_status === 'loading');
      assert.equal(stuck.length, 1, 'exactly one stays stuck in loading');
      assert.equal(stuck[0].label, 'zeb-large-w5');
      const user = (await call(sim, 'GET', '/api/v0/users/current')).json;
      assert.ok(user.credit < 412.37, 'the fleet spends credit');
    } finally {
      await sim.close();
    }
  });

  test('loadScenario validates and fills defaults', async () => {
    const sc = await loadScenario(DEMO);
    assert.equal(sc.seed, 20261124);
    assert.ok(sc.fleet.length > 5);
    assert.equal(typeof sc.fleet[0]!.age, 'number');
  });

  test('a broken scenario names the file and the field', async () => {
    const cases: Array<[string, RegExp]> = [
      ['fleet:\n  - { gpu: RTX 4090, status: sleeping }\n', /field fleet\[0\]\.status: expected one of/],
      ['balance: lots\n', /field balance: expected number/],
      ['fleet:\n  - { gpu: GTX 9999 }\n', /field fleet\[0\]\.gpu: expected a GPU name/],
      ['markte: {}\n', /field markte: unknown field/],
      ['fleet:\n  - { gpu: RTX 4090, age: soon }\n', /field fleet\[0\]\.age: expected a duration/],
      ['seed: [1,\n', /invalid YAML/],
    ];
    for (const [text, re] of cases) {
      const file = path.join(dir, 'bad.yaml');
      writeFileSync(file, text);
      await assert.rejects(loadScenario(file), (e: Error) => {
        assert.ok(e.message.startsWith(`scenario ${file}: `), e.message);
        assert.match(e.message, re);
        return true;
      });
    }
    await assert.rejects(
      startSimulator({ scenario: { fleet: [{ gpu: 'RTX 4090', count: 0 }] } }),
      /scenario <inline>: field fleet\[0\]\.count/,
    );
  });

  test('speed multiplies the sim clock against real time', async () => {
    let real = 1_900_000_000_000;
    const sim = await startSimulator({
      now: () => real,
      speed: 60,
      rateLimit: false,
      scenario: { market: { size: 1000 } },
    });
    try {
      const { id } = await rentOne(sim);
      real += 5_000; // 5 real seconds = 5 sim minutes
      assert.equal((await show(sim, id)).actual_status, 'running');
    } finally {
      await sim.close();
    }
  });
});

describe('state file', () => {
  test('survives a restart: instances, labels, credit, secrets, rented offers', async () => {
    const stateFile = path.join(dir, 'state.json');
    const a = await startSimulator({ stateFile, rateLimit: false, scenario: { market: { size: 2000 }, balance: 300 } });
    const { id, offer } = await rentOne(a);
    await call(a, 'PUT', `/api/v0/instances/${id}/`, { label: 'keep-me' });
    await call(a, 'POST', '/api/v0/secrets/', { key: 'HF_TOKEN', value: 'abc' });
    a.advance(3_600_000);
    const credit = (await call(a, 'GET', '/api/v0/users/current')).json.credit;
    const rowA = await show(a, id);
    await a.close();
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
      'no temp files left behind',
    );

    const b = await startSimulator({ stateFile, rateLimit: false });
    try {
      const rowB = await show(b, id);
      assert.equal(rowB.label, 'keep-me');
      assert.equal(rowB.actual_status, 'running');
      assert.equal(rowB.ssh_port, rowA.ssh_port);
      const creditB = (await call(b, 'GET', '/api/v0/users/current')).json.credit;
      assert.ok(Math.abs(creditB - credit) < 0.01, `${creditB} vs ${credit}`);
      assert.equal((await call(b, 'GET', '/api/v0/secrets/')).json.secrets.HF_TOKEN, 'abc');
      assert.equal((await call(b, 'PUT', `/api/v0/asks/${offer.id}/`, { image: 'x', disk: 10 })).status, 410);
      const { id: id2 } = await rentOne(b);
      assert.ok(id2 > id, 'ids continue');
      assert.notEqual((await show(b, id2)).ssh_port, rowA.ssh_port);
    } finally {
      await b.close();
    }
  });

  test('a corrupt state file is a clear error', async () => {
    const stateFile = path.join(dir, 'corrupt.json');
    writeFileSync(stateFile, '{"version":1,"simNow":"yesterday"}');
    await assert.rejects(startSimulator({ stateFile }), /state file .*corrupt\.json: field simNow/);
  });
});
