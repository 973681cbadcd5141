/**
 * The rental fault matrix (issue 12): every way a create can fail × provision, SIGKILL at each point of a real
 * `vastdeck provision` child then a rerun, the local clock ±1 h from the API's, and the journal's disk full.
 * Every cell counts the instances on the simulator afterwards and asserts 0 double rentals and 0 orphans
 * (an instance alive that vastdeck neither returned, destroyed, nor named in its message). A summary table of
 * the cells is printed at the end.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { FAULT_KINDS, failing, type FaultKind, type FaultSpec } from '../../src/sim/faults.js';
import { VastClient } from '../../src/core/vast/client.js';
import { VastError, type VastErrorKind } from '../../src/core/vast/errors.js';
import { provision, type ProvisionEvent } from '../../src/core/ops/provision.js';
import { FileJournal, type JournalWriter } from '../../src/core/journal/journal.js';
import { parseProfiles } from '../../src/core/profiles/load.js';
import { profileOfferQuery } from '../../src/core/profiles/profile-search.js';
import { checkOffers } from '../../src/core/checks/check.js';
import { FleetKeeper } from '../../src/core/keeper/keeper.js';
import { defaultRules } from '../../src/core/keeper/policy.js';
import { makeLauncher } from '../../src/core/keeper/launch.js';
import type { Instance, Offer } from '../../src/core/vast/types.js';
import { PROFILES_YAML } from '../profiles/fixtures.js';
import { bundleCli, cliArgv, homeEnv, ROOT } from '../helpers/run-cli.js';

const gpt2 = parseProfiles(PROFILES_YAML, 'p.yaml').gpt2!;
const HF = 'hf_MATRIXsecretMATRIX0123456789ab';
let sim: SimHandle;
let client: VastClient;
let offers: Offer[];
let script: string;
const rows: Array<{ cell: string; rentals: number; doubles: number; orphans: number; outcome: string }> = [];

before(async () => {
  sim = await startSimulator({
    seed: 23,
    rateLimit: false,
    scenario: { market: { size: 2000 }, secrets: { WANDB_API_KEY: 'wandb-matrix' } },
  });
  client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url, timeoutMs: 300, retryBaseMs: 10 });
  const found = await client.searchOffers(profileOfferQuery(gpt2));
  const checks = checkOffers(found, gpt2);
  offers = found.filter((_, i) => checks[i]!.verdict !== 'fails');
  assert.ok(offers.length >= 60, `need candidate offers, got ${offers.length}`);
  script = await bundleCli();
});

after(async () => {
  await sim?.close();
  const pad = (s: string | number, n: number) => String(s).padEnd(n);
  const lines = [`${pad('cell', 42)}${pad('rentals', 9)}${pad('doubles', 9)}${pad('orphans', 9)}outcome`];
  for (const r of rows)
    lines.push(`${pad(r.cell, 42)}${pad(r.rentals, 9)}${pad(r.doubles, 9)}${pad(r.orphans, 9)}${r.outcome}`);
  const total = rows.reduce((a, r) => ({ d: a.d + r.doubles, o: a.o + r.orphans }), { d: 0, o: 0 });
  lines.push(`${rows.length} cells: ${total.d} double rentals, ${total.o} orphans`);
  console.log(`\nrental fault matrix\n${lines.join('\n')}`);
});

let next = 0;
function take(n: number): Offer[] {
  const out = offers.slice(next, next + n);
  next += n;
  assert.equal(out.length, n, 'ran out of offers');
  return out;
}

/** Ids of every instance on the simulator now. */
async function ids(): Promise<Set<number>> {
  return new Set((await client.listInstances()).map((i) => i.id));
}

/** Counts what a cell left behind: new instances, those vastdeck accounted for, and asserts 0 doubles / 0 orphans. */
async function judge(cell: string, before: Set<number>, known: number[], outcome: string, text = ''): Promise<void> {
  sim.clearFaults();
  const fresh = [...(await ids())].filter((id) => !before.has(id));
  const orphans = fresh.filter((id) => !known.includes(id) && !new RegExp(`\\b${id}\\b`).test(text));
  const doubles = Math.max(0, fresh.length - 1);
  rows.push({ cell, rentals: fresh.length, doubles, orphans: orphans.length, outcome });
  assert.equal(doubles, 0, `${cell}: ${fresh.length} rentals (${fresh.join(', ')}); ${text}`);
  assert.equal(orphans.length, 0, `${cell}: orphans ${orphans.join(', ')}; ${text}`);
  // Clean up so the next cell counts from a clean slate.
  for (const id of fresh) await client.destroyInstance(id).catch(() => undefined);
}

let nonces = 0;
function deps(tag: string, journal: JournalWriter, realPauseMs = 60) {
  let t = Date.now();
  return {
    api: client,
    journal,
    now: () => t,
    env: { HF_TOKEN: HF },
    // Unique over the whole file: a cell must never find another cell's rental by its nonce.
    nonce: () => `${tag}${String(nonces++).padStart(8 - tag.length, '0')}`,
    sleep: async (ms: number) => {
      t += ms;
      sim.advance(ms);
      await delay(Math.min(ms, realPauseMs));
    },
  };
}

function fileJournal(): FileJournal {
  return new FileJournal({ file: path.join(mkdtempSync(path.join(os.tmpdir(), 'vd-matrix-')), 'journal.jsonl') });
}

// ---- create faults × provision --best ---------------------------------------------------------------

type Cell = { name: string; spec: Omit<FaultSpec, 'afterHandling'>; count?: number };
// Every fault kind of the simulator's table has its cells here: a new kind fails to compile until it has one.
const CELLS: Record<FaultKind, Cell[]> = {
  status: [
    { name: '500', spec: { kind: 'status', status: 500 } },
    { name: '503', spec: { kind: 'status', status: 503 } },
    { name: '404', spec: { kind: 'status', status: 404 } },
    { name: '410', spec: { kind: 'status', status: 410 } },
    { name: '400', spec: { kind: 'status', status: 400 } },
  ],
  ratelimit: [{ name: '429', spec: { kind: 'ratelimit' } }],
  drop: [{ name: 'drop', spec: { kind: 'drop' } }],
  malformed: [{ name: 'malformed', spec: { kind: 'malformed' } }],
  // Held 900 ms by the network against a 300 ms client timeout (the 150 s against 30 s), every attempt.
  slow: [{ name: 'slow', spec: { kind: 'slow', delayMs: 900 }, count: 3 }],
  truncated: [{ name: 'truncated', spec: { kind: 'truncated' } }],
};
const FAULTS = FAULT_KINDS.flatMap((k) => CELLS[k]);

for (const f of FAULTS) {
  for (const after of [false, true]) {
    // A fault that spoils the real answer fires after the server acted whatever the rule says: one cell.
    if (!after && failing({ ...f.spec })?.spoils) continue;
    const cell = `create ${f.name} ${after ? 'after' : 'before'} the server acted`;
    test(cell, async () => {
      sim.clearFaults();
      const before = await ids();
      const spec: FaultSpec =
        f.spec.kind === 'slow' && !after
          ? { ...f.spec, route: '/asks/', method: 'PUT', landsLate: true, count: f.count }
          : { ...f.spec, route: '/asks/', method: 'PUT', afterHandling: after, count: f.count ?? 1 };
      sim.injectFault(spec);
      const events: ProvisionEvent[] = [];
      const journal = fileJournal();
      let known: number[] = [];
      let outcome: string;
      let text = '';
      try {
        const r = await provision(deps('m', journal), {
          profile: gpt2,
          profileName: 'gpt2',
          candidates: take(3),
          price: { kind: 'on-demand' },
          nextOnTaken: true,
          wait: false,
          create: { reconcilePauseMs: 1000, deadlineMs: 20_000 },
          onEvent: (e) => events.push(e),
        });
        known = [r.instanceId!, ...r.destroyed];
        outcome = `${r.outcome} ${r.instanceId}`;
      } catch (err) {
        text = (err as Error).message;
        outcome = `error: ${text.slice(0, 60)}`;
      }
      // Give a create held by the network every chance to land before counting (an absence is proven here, so this
      // is a deliberate pause: the slow fault holds a create 900 ms).
      await delay(f.spec.kind === 'slow' ? 1200 : 50);
      // "Nothing was rented" may only be said once it is proven.
      const said = /nothing was rented/.test(text);
      const rentedNow = [...(await ids())].filter((id) => !before.has(id)).length;
      assert.ok(!(said && rentedNow > 0), `${cell}: said "nothing was rented" but ${rentedNow} rental(s) exist`);
      await judge(cell, before, known, outcome, text);
    });
  }
}

// ---- every fault kind × a read (the instance list) ---------------------------------------------------

type ReadCell = {
  name: string;
  spec: Pick<FaultSpec, 'kind' | 'status' | 'delayMs'>;
  once: 'recovers' | VastErrorKind;
  always: VastErrorKind;
};
// What the client makes of each fault on a read: hit once, it retries through it or reports the error; hit on every
// attempt, it reports one line naming the call. A new kind fails to compile until it has its cells.
const READS: Record<FaultKind, ReadCell[]> = {
  status: [
    { name: '500', spec: { kind: 'status', status: 500 }, once: 'server', always: 'server' },
    { name: '503', spec: { kind: 'status', status: 503 }, once: 'recovers', always: 'server' },
  ],
  ratelimit: [{ name: '429', spec: { kind: 'ratelimit' }, once: 'recovers', always: 'rate_limited' }],
  drop: [{ name: 'drop', spec: { kind: 'drop' }, once: 'recovers', always: 'network' }],
  malformed: [{ name: 'malformed', spec: { kind: 'malformed' }, once: 'malformed', always: 'malformed' }],
  slow: [{ name: 'slow', spec: { kind: 'slow', delayMs: 900 }, once: 'recovers', always: 'network' }],
  truncated: [{ name: 'truncated', spec: { kind: 'truncated' }, once: 'recovers', always: 'network' }],
};

for (const r of FAULT_KINDS.flatMap((k) => READS[k])) {
  test(`read: list instances, ${r.name} once → ${r.once}, on every attempt → one ${r.always} line`, async () => {
    sim.clearFaults();
    const clean = (await client.listInstances()).map((i) => i.id);
    const route = '/api/v1/instances/';
    sim.injectFault({ ...r.spec, route, method: 'GET', count: 1 });
    if (r.once === 'recovers')
      assert.deepEqual(
        (await client.listInstances()).map((i) => i.id),
        clean,
      );
    else await assert.rejects(client.listInstances(), { kind: r.once });
    sim.injectFault({ ...r.spec, route, method: 'GET' });
    const err = await client.listInstances().then(
      () => null,
      (e: unknown) => e,
    );
    sim.clearFaults();
    assert.ok(err instanceof VastError, String(err));
    assert.equal(err.kind, r.always, err.message);
    assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
    assert.match(err.message, /instances/, 'names the call');
    rows.push({
      cell: `read ${r.name}`,
      rentals: 0,
      doubles: 0,
      orphans: 0,
      outcome: `${r.once}; always: ${err.message.slice(0, 60)}`,
    });
  });
}

// ---- SIGKILL at each point of provision, then a rerun -----------------------------------------------

const home = mkdtempSync(path.join(os.tmpdir(), 'vd-matrix-home-'));
const profilesFile = path.join(home, 'profiles.yaml');
writeFileSync(profilesFile, PROFILES_YAML);

function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...homeEnv(home), HF_TOKEN: HF };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return env;
}

/** Starts `vastdeck provision --best`, SIGKILLs it once stderr matches `when`; resolves with its stderr. */
function killDuring(when: RegExp, extra: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const args = [
      'provision',
      '--profile',
      'gpt2',
      '--profiles',
      profilesFile,
      '--best',
      '--create-deadline',
      '4',
      '--api-url',
      sim.url,
      '--api-key',
      sim.apiKey,
      ...extra,
    ];
    const child = spawn(process.execPath, [...cliArgv({ script }), ...args], {
      cwd: ROOT,
      env: cliEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`never saw ${when}: ${err}`))), 30_000);
    child.stderr.on('data', (d) => {
      err += d;
      if (when.test(err)) child.kill('SIGKILL');
    });
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child ended by itself (${signal}): ${err}`));
      else resolve(err);
    });
  });
}

function rerun(): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const args = [
      'provision',
      '--profile',
      'gpt2',
      '--profiles',
      profilesFile,
      '--best',
      '--no-wait',
      '--json',
      '--create-deadline',
      '4',
      '--api-url',
      sim.url,
      '--api-key',
      sim.apiKey,
    ];
    const child = spawn(process.execPath, [...cliArgv({ script }), ...args], {
      cwd: ROOT,
      env: cliEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const KILLS: Array<{ name: string; fault?: FaultSpec; when: RegExp }> = [
  // The create is in flight (held by the network; the server still acts on it).
  {
    name: 'during the create',
    fault: { route: '/asks/', method: 'PUT', kind: 'slow', delayMs: 1500, landsLate: true, count: 1 },
    when: /renting offer \d+/,
  },
  // The create went through; vastdeck waits for the boot.
  { name: 'during the boot wait', when: /instance \d+ created/ },
  // The create's answer was a 500 after the server acted; vastdeck is reconciling.
  {
    name: 'during the reconcile',
    fault: { route: '/asks/', method: 'PUT', kind: 'status', status: 500, afterHandling: true, count: 1 },
    when: /may have gone through/,
  },
];

for (const k of KILLS) {
  const cell = `SIGKILL ${k.name}, rerun`;
  test(cell, async () => {
    const before = await ids();
    if (k.fault) sim.injectFault(k.fault);
    await killDuring(k.when);
    sim.clearFaults();
    const r = await rerun();
    let known: number[] = [];
    let outcome = `exit ${r.code}`;
    try {
      const j = JSON.parse(r.out) as { instanceId: number | null; destroyed: number[] };
      known = [...(j.instanceId !== null ? [j.instanceId] : []), ...j.destroyed];
      outcome += ` instance ${j.instanceId}`;
    } catch {
      outcome += `: ${r.err.trim().split('\n').pop()}`;
    }
    await delay(200); // deliberate: a create held by the network may still land before the count
    await judge(cell, before, known, outcome, r.err);
    assert.equal(r.code, 0, r.err);
  });
}

// ---- the local clock an hour off the API's: replenish neither destroys fresh workers nor over-rents ----

for (const skewH of [1, -1]) {
  const cell = `clock ${skewH > 0 ? '+' : ''}${skewH} h, replenish 1`;
  test(cell, async () => {
    // The API's clock (the simulator's, and its Date header) runs an hour behind (or ahead of) this machine's.
    const api = await startSimulator({
      seed: 29,
      rateLimit: false,
      now: () => Date.now() - skewH * 3_600_000,
      scenario: { market: { size: 400 }, secrets: { WANDB_API_KEY: 'wandb-matrix' } },
    });
    try {
      const c = new VastClient({ apiKey: api.apiKey, baseUrl: api.url, retryBaseMs: 10 });
      const prefix = `skew-gpt2`;
      const found = await c.searchOffers(profileOfferQuery(gpt2));
      const checks = checkOffers(found, gpt2);
      const [o] = found.filter((_, i) => checks[i]!.verdict !== 'fails');
      // One fresh worker, booting: created a moment ago by the API's clock.
      const { instanceId: fresh } = await c.createInstance(o!.id, {
        image: gpt2.image,
        diskGb: gpt2.diskGb,
        label: `${prefix}-1x3090`,
      });
      const destroyed: number[] = [];
      const launched: number[] = [];
      const launcher = makeLauncher({
        api: c,
        journal: fileJournal(),
        profile: gpt2,
        profileName: 'gpt2',
        prefix,
        price: { kind: 'on-demand' },
        now: Date.now,
        sleep: (ms) => delay(Math.min(ms, 20)),
        env: { HF_TOKEN: HF },
      });
      const keeper = new FleetKeeper(
        {
          api: c,
          journal: fileJournal(),
          health: async () => ({ state: 'setup' }),
          clock: { now: Date.now, sleep: (ms) => delay(Math.min(ms, 5)) },
          launch: async (n, opts) => {
            const r = await launcher(n, opts);
            launched.push(...r.ids);
            return r;
          },
          retire: async (inst: Instance) => {
            await c.destroyInstance(inst.id);
            destroyed.push(inst.id);
            return { outcome: 'destroyed', message: `destroyed ${inst.id}` };
          },
        },
        // replenish's rules: one deliberate pass, no grace for what is already known to be bad.
        { prefix, rules: defaultRules(1, { fatalGraceMs: 0 }) },
      );
      const pass = await keeper.pass();
      const what = pass.actions.map((a) => a.type).join(', ') || 'nothing to do';
      const rentals = (await c.listInstances()).length;
      rows.push({
        cell,
        rentals,
        doubles: Math.max(0, rentals - 1),
        orphans: rentals - [fresh, ...launched].filter((id) => !destroyed.includes(id)).length,
        outcome: what,
      });
      assert.deepEqual(destroyed, [], `${cell}: destroyed a fresh worker: ${JSON.stringify(pass.actions)}`);
      assert.deepEqual(launched, [], `${cell}: rented for a fleet that was full: ${JSON.stringify(pass.actions)}`);
      assert.equal(rentals, 1);
    } finally {
      await api.close();
    }
  });
}

// ---- the journal's disk full between its records ---------------------------------------------------

for (const failAt of [1, 2, 3]) {
  const cell = `journal ENOSPC at record ${failAt + 1}`;
  test(cell, async () => {
    const before = await ids();
    const inner = fileJournal();
    let n = 0;
    const journal: JournalWriter = {
      append: async (rec) => {
        if (n++ >= failAt) throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC' });
        return inner.append(rec);
      },
    };
    let known: number[] = [];
    let text = '';
    let outcome: string;
    try {
      const r = await provision(deps('e', journal), {
        profile: gpt2,
        profileName: 'gpt2',
        candidates: take(2),
        price: { kind: 'on-demand' },
        nextOnTaken: true,
        create: { reconcilePauseMs: 1000, deadlineMs: 20_000 },
        boot: { pollMs: 10_000 },
      });
      known = [r.instanceId!, ...r.destroyed];
      outcome = `${r.outcome} ${r.instanceId}`;
    } catch (err) {
      text = (err as Error).message;
      outcome = `error: ${text.slice(0, 70)}`;
    }
    const fresh = [...(await ids())].filter((id) => !before.has(id));
    if (fresh.length && !known.length) {
      const inst = (await client.listInstances()).find((i) => i.id === fresh[0])!;
      // The message names what was rented and how to destroy it.
      assert.match(text, new RegExp(`instance ${inst.id}\\b`), text);
      assert.ok(text.includes(inst.label ?? '?'), `label ${inst.label} named: ${text}`);
      assert.match(text, /\$\d+\.\d{3}\/hr/, text);
      assert.match(text, new RegExp(`vastdeck destroy ${inst.id}`), text);
    }
    await judge(cell, before, known, outcome, text);
  });
}
