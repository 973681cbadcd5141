/** `vastdeck journal` over a journal written by real provision and destroy runs against the simulator. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { PROFILES_YAML } from '../profiles/fixtures.js';
import { runCli } from '../helpers/run-cli.js';
import { readJournal } from '../../src/core/journal/journal.js';
import { summarizeJournal } from '../../src/core/journal/summary.js';

let sim: SimHandle;
let dir: string;
let profiles: string;
const env = () => ({
  XDG_STATE_HOME: path.join(dir, 'state'),
  XDG_CONFIG_HOME: path.join(dir, 'config'),
  HF_TOKEN: 'hf_JOURNALsecret0123456789abcdef',
  VAST_API_KEY: '',
  VASTDECK_STATE_DIR: undefined,
});
const cli = (argv: string[]) => runCli([...argv, '--api-url', sim.url, '--api-key', sim.apiKey], { env: env() });
const journalFile = () => path.join(dir, 'state', 'vastdeck', 'journal.jsonl');

before(async () => {
  sim = await startSimulator({
    seed: 7,
    rateLimit: false,
    scenario: { market: { size: 400 }, secrets: { WANDB_API_KEY: 'wandb-journal-value' } },
  });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vd-journal-'));
  profiles = path.join(dir, 'profiles.yaml');
  writeFileSync(profiles, PROFILES_YAML);
});
after(async () => sim?.close());

test('journal lists the rental and the destroy with what the rental cost; --json has the same', async () => {
  const p = await cli(['provision', '--profile', 'gpt2', '--profiles', profiles, '--best', '--no-wait', '--json']);
  assert.equal(p.code, 0, p.err);
  const rented = JSON.parse(p.out) as { instanceId: number; label: string };
  const client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
  const listed = (await client.listInstances()).find((i) => i.id === rented.instanceId)!;
  const d = await cli(['destroy', String(rented.instanceId), '--force', '--json']);
  assert.equal(d.code, 0, d.err);

  const j = await runCli(['journal', '--json'], { env: env() });
  assert.equal(j.code, 0, j.err);
  const s = JSON.parse(j.out);
  const mine = s.events.filter((e: { instanceId: number }) => e.instanceId === rented.instanceId);
  assert.deepEqual(
    mine.map((e: { kind: string }) => e.kind),
    ['rented', 'destroyed'],
  );
  assert.equal(mine[0].label, rented.label);
  const rental = s.rentals.find((r: { instanceId: number }) => r.instanceId === rented.instanceId);
  // The offer's price at rental; the instance's own $/hr differs only in rounding.
  assert.ok(Math.abs(rental.dph - listed.dphTotal) / listed.dphTotal < 0.01, `${rental.dph} vs ${listed.dphTotal}`);
  assert.ok(rental.destroyedAt >= rental.rentedAt);
  assert.ok(Math.abs(rental.cost - (rental.dph * (rental.destroyedAt - rental.rentedAt)) / 3_600_000) < 1e-9);
  assert.equal(s.cost, rental.cost);

  const t = await runCli(['journal'], { env: env() });
  assert.equal(t.code, 0, t.err);
  assert.match(t.out, new RegExp(`rented\\s+${rented.instanceId}`));
  assert.match(t.out, new RegExp(`destroyed\\s+${rented.instanceId}`));
  assert.match(t.out, /cost in the last 1d: \$\d+\.\d\d/);
  assert.equal((t.out + j.out).includes('hf_JOURNALsecret'), false);
});

test('the window: a rental still held is priced up to now, only the part inside --since counts', async () => {
  const { records } = await readJournal(journalFile());
  const created = records.find((r) => r.op === 'provision.create' && r.phase === 'after')!;
  const held = records.filter((r) => !(r.op === 'destroy'));
  const now = created.ts + 5 * 3_600_000;
  const s = summarizeJournal(held, now - 2 * 3_600_000, now);
  assert.equal(s.events.length, 0, 'the rental itself is before the window');
  assert.equal(s.rentals.length, 1);
  assert.equal(s.rentals[0]!.destroyedAt, null);
  assert.ok(Math.abs(s.cost - 2 * (created.details.dph as number)) < 1e-9);
});

test('a damaged line is skipped with one line on stderr; a bad --since is a usage error', async () => {
  appendFileSync(journalFile(), 'not json\n{"ts":1,"op":"x","phase":"after"}\n');
  const j = await runCli(['journal'], { env: env() });
  assert.equal(j.code, 0, j.err);
  assert.match(j.err, /journal\.jsonl: 1 damaged line\(s\) skipped \(line \d+\)/);
  const bad = await runCli(['journal', '--since', 'yesterday'], { env: env() });
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--since must be a duration/);
});
