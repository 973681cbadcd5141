/**
 * Builds a scenario's starting fleet. Each instance is created `age` ago and replayed forward on the
 * normal lifecycle with its fate chosen so it is in the asked status now — so its uptime, charges and
 * status messages are consistent with a real history.
 */
import { instanceKeyFor } from './actions.js';
import { drawFate, setStatus, type InstanceRec } from './instances.js';
import type { OfferRow } from './market-offers.js';
import { between, hashSeed, makeRng, pick, round } from './prng.js';
import type { FleetSpec, Scenario } from './scenario.js';
import type { World } from './world.js';

/** The market's offers by GPU name, built once per world (a 10,000-instance scenario chooses 10,000 times). */
const byGpu = new WeakMap<World, Map<string, OfferRow[]>>();

function offersOf(world: World, gpu: string): OfferRow[] {
  let index = byGpu.get(world);
  if (!index) {
    index = new Map();
    for (const r of world.market.rows) {
      const list = index.get(r.gpu_name);
      if (list) list.push(r);
      else index.set(r.gpu_name, [r]);
    }
    byGpu.set(world, index);
  }
  return index.get(gpu) ?? [];
}

function chooseOffer(world: World, spec: FleetSpec, seed: number): OfferRow {
  const rows = offersOf(world, spec.gpu).filter((r) => world.market.isAvailable(r.id));
  const good = (r: OfferRow) => r.reliability >= 0.9 && Number(r.inet_down) >= 100 && Number(r.cuda_max_good) >= 12;
  const tiers = [
    rows.filter((r) => r.num_gpus === spec.count && r.disk_space >= spec.disk && good(r)),
    rows.filter((r) => r.num_gpus === spec.count && r.disk_space >= spec.disk),
    rows.filter((r) => r.num_gpus === spec.count),
  ];
  const candidates = tiers.find((t) => t.length > 0);
  if (!candidates)
    throw new Error(
      `scenario: field fleet: no ${spec.count}x ${spec.gpu} offer on the market (raise market.size or its weight)`,
    );
  return pick(makeRng(seed), candidates.slice(0, 50));
}

function labelFor(spec: FleetSpec, n: number): string | null {
  if (spec.label === null) return null;
  if (spec.label.includes('{n}')) return spec.label.replaceAll('{n}', String(n));
  return spec.replicas > 1 ? `${spec.label}-${n}` : spec.label;
}

function buildOne(world: World, spec: FleetSpec, n: number, now: number): void {
  const id = world.nextId++;
  const seed = hashSeed(world.seed, 'fleet', id);
  const rng = makeRng(seed);
  const offer = chooseOffer(world, spec, seed);
  const prov = world.lifecycle.provisionSec * 1000;
  const isBid = spec.interruptible || spec.outbid;
  const fate = drawFate({ id, isBid }, world.lifecycle, world.seed);
  const young = spec.status === 'created' || spec.status === 'provisioning';
  const age = young ? Math.min(spec.age, prov * 0.5) : Math.max(spec.age, prov + 4000);
  const createdAt = now - age;
  const loadMs =
    spec.status === 'loading' && !spec.stuck
      ? age - prov + between(rng, 30, 120) * 1000
      : Math.min(fate.loadMs, (age - prov) / 2);
  const runStart = createdAt + prov + loadMs;
  const rec: InstanceRec = {
    id,
    offer: { ...offer, rented: true },
    label: labelFor(spec, n),
    image: spec.image,
    disk: spec.disk,
    env: [...world.secrets, ...Object.entries(spec.env)],
    onstart: null,
    runtype: spec.runtype,
    args: null,
    isBid,
    dphBase: isBid ? round(offer.min_bid * 1.15, 4) : offer.dph_base,
    storageCost: offer.storage_cost,
    status: spec.status === 'created' ? 'created' : null,
    intended: 'running',
    statusMsg: 'Provisioning',
    since: createdAt,
    createdAt,
    uptimeMs: 0,
    loadMs,
    stuck: spec.status === 'loading' && spec.stuck,
    exitAfterMs: spec.exitAfter !== undefined ? now - runStart + spec.exitAfter : null,
    outbidAfterMs: isBid ? now - runStart + (spec.outbidAfter ?? fate.outbidAfterMs ?? 3_600_000) : null,
    sshPort: world.allocSshPort(),
    sshKeys: world.keysForNewInstance(),
    billedUntil: createdAt,
    instanceKey: instanceKeyFor(world.seed, id),
  };
  if (spec.host) {
    const { stepsPerSec, ...rest } = spec.host;
    rec.host = stepsPerSec === undefined ? rest : { ...rest, stepsPerSecond: stepsPerSec };
  }
  const endAt = createdAt + age * between(rng, 0.55, 0.8); // when a stopped/exited one stopped
  if (spec.status === 'exited') rec.exitAfterMs = endAt - runStart;
  if (spec.status === 'stopped' && spec.outbid) rec.outbidAfterMs = endAt - runStart;
  world.instances.set(id, rec);
  world.market.take(offer.id);
  if (spec.status === 'stopped' && !spec.outbid) {
    world.advanceInstance(rec, endAt);
    rec.intended = 'stopped';
    setStatus(rec, 'stopped', endAt, 'Instance stopped by user');
  }
  world.advanceInstance(rec, now);
}

/** Create the scenario's fleet; the scenario balance is the credit left after its history. */
export function buildFleet(world: World, sc: Scenario): void {
  const now = world.now();
  for (const spec of sc.fleet) {
    for (let n = 1; n <= spec.replicas; n++) buildOne(world, spec, n, now);
  }
  world.ledger.credit = sc.balance;
}
