/**
 * What users do to instances: create (rent an offer), label, stop, start, reboot, destroy, attach an SSH
 * key. Each validates its body with zod and answers errors the way Vast does (codes from vast-api.md §3, §5).
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { ApiError } from './http.js';
import { drawFate, setStatus, type InstanceRec } from './instances.js';
import { between, hashSeed, makeRng } from './prng.js';
import type { World } from './world.js';

const CreateBody = z.object({
  image: z.string().max(1024).nullish(),
  env: z.union([z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])), z.null()]).optional(),
  price: z.number().nullish(),
  disk: z.number().nullish(),
  label: z.string().nullish(),
  onstart: z.string().nullish(),
  runtype: z.string().nullish(),
  args: z.array(z.string()).nullish(),
  template_hash_id: z.string().nullish(),
  target_state: z.enum(['running', 'stopped']).nullish(),
});

const UpdateBody = z.object({ label: z.string().nullish(), state: z.enum(['running', 'stopped']).optional() });

function parse<T>(schema: z.ZodType<T>, body: unknown, code = 'invalid_args'): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const i = r.error.issues[0]!;
  throw new ApiError(400, code, `${i.path.join('.') || 'body'}: ${i.message}`);
}

/** Look an instance up or answer 404 no_such_instance. */
export function mustGet(world: World, id: number): InstanceRec {
  const rec = world.get(id);
  if (!rec) throw new ApiError(404, 'no_such_instance', `Instance ${id} not found.`);
  return rec;
}

/** `PUT /api/v0/asks/{id}/`: rent an offer. Returns the new instance. */
export function createInstance(world: World, askId: number, body: unknown): InstanceRec {
  const b = parse(CreateBody, body);
  const offer = world.market.get(askId);
  if (!offer)
    throw new ApiError(
      404,
      'invalid_args',
      `error 404/3603: no_such_ask  Instance type by id ${askId} is not available.`,
    );
  if (!world.market.isAvailable(askId))
    throw new ApiError(410, 'no_such_ask', `Instance type by id ${askId} is no longer available.`);
  if (!b.image && !b.template_hash_id)
    throw new ApiError(400, 'invalid_args', 'image: an image or a template_hash_id is required');
  if (b.label && b.label.length > 256) throw new ApiError(400, 'invalid_args', 'label: max 256 characters at create');
  const disk = b.disk ?? 8;
  if (disk < 8) throw new ApiError(400, 'invalid_args', 'disk: minimum is 8 GB');
  if (disk > offer.disk_space)
    throw new ApiError(400, 'invalid_args', `disk: ${disk} GB requested but the offer has ${offer.disk_space} GB`);
  const env: Array<[string, string]> = [...world.secrets];
  let envSize = 0;
  for (const [k, v] of Object.entries(b.env ?? {})) {
    const entry: [string, string] = [k, String(v)];
    if (k.length + entry[1].length > 256)
      throw new ApiError(400, 'invalid_args', `env: entry ${k} longer than 256 characters`);
    envSize += k.length + entry[1].length;
    const i = env.findIndex(([ek]) => ek === k);
    if (i >= 0) env[i] = entry;
    else env.push(entry);
  }
  if (envSize > 32768) throw new ApiError(400, 'invalid_args', 'env: more than 32768 characters');
  if ((b.onstart?.length ?? 0) + (b.args?.join(' ').length ?? 0) > 4096)
    throw new ApiError(400, 'invalid_args', 'onstart: onstart and args over 4096 characters');
  const isBid = b.price !== null && b.price !== undefined;
  if (isBid && (b.price! < 0.001 || b.price! > 128))
    throw new ApiError(400, 'invalid_price', 'price: a bid must be between 0.001 and 128 $/hr');
  if (isBid && b.price! < offer.min_bid)
    throw new ApiError(400, 'invalid_price', `price: bid ${b.price} is below the minimum bid ${offer.min_bid}`);
  if (world.ledger.credit <= 0)
    throw new ApiError(400, 'missing_billing', 'Your account has no credit; add credit to rent.');
  const now = world.now();
  const id = world.nextId++;
  const fate = drawFate({ id, isBid }, world.lifecycle, world.seed);
  const stopped = b.target_state === 'stopped';
  const rec: InstanceRec = {
    id,
    offer: { ...offer, rented: true },
    label: b.label ?? null,
    image: b.image ?? `template:${b.template_hash_id}`,
    disk,
    env,
    onstart: b.onstart ?? null,
    runtype: b.runtype ?? 'ssh',
    args: b.args ?? null,
    isBid,
    dphBase: isBid ? b.price! : offer.dph_base,
    storageCost: offer.storage_cost,
    status: stopped ? 'stopped' : null,
    intended: stopped ? 'stopped' : 'running',
    statusMsg: stopped ? 'Created stopped' : 'Provisioning',
    since: now,
    createdAt: now,
    uptimeMs: 0,
    ...fate,
    sshPort: world.allocSshPort(),
    sshKeys: world.keysForNewInstance(),
    billedUntil: now,
    instanceKey: instanceKeyFor(world.seed, id),
  };
  applyHostRule(world, rec);
  world.instances.set(id, rec);
  world.market.take(askId);
  world.dirty = true;
  return rec;
}

/** The first host rule that fits the rented offer decides what its host does (a host that lies). */
function applyHostRule(world: World, rec: InstanceRec): void {
  const o = rec.offer;
  const hit = world.hostRules.find(
    ({ rule: r, used }) =>
      (r.count === undefined || used < r.count) &&
      (r.machineId === undefined || r.machineId === o.machine_id) &&
      (r.offerId === undefined || r.offerId === o.id) &&
      (r.gpu === undefined || r.gpu.toLowerCase() === String(o.gpu_name).toLowerCase()),
  );
  if (!hit) return;
  hit.used++;
  const { stepsPerSec, ...rest } = hit.rule.host;
  rec.host = stepsPerSec === undefined ? { ...rest } : { ...rest, stepsPerSecond: stepsPerSec };
}

/** Stop: storage keeps billing, GPU billing ends. */
export function stopInstance(world: World, rec: InstanceRec, msg = 'Instance stopped by user'): void {
  rec.intended = 'stopped';
  if (rec.status !== 'stopped') setStatus(rec, 'stopped', world.now(), msg);
  world.dirty = true;
}

/** Start a stopped or exited instance: it loads again (shortly), then runs. */
export function startInstance(world: World, rec: InstanceRec): void {
  rec.intended = 'running';
  if (rec.status === 'stopped' || rec.status === 'exited') {
    const rng = makeRng(hashSeed(world.seed, 'restart', rec.id, world.now()));
    rec.loadMs = between(rng, 15, 45) * 1000;
    if (rec.isBid && rec.outbidAfterMs !== null)
      rec.outbidAfterMs = -Math.log(1 - rng()) * world.lifecycle.outbidMeanHours * 3_600_000;
    setStatus(rec, 'loading', world.now(), 'Starting container');
  }
  world.dirty = true;
}

/** `PUT /api/v0/instances/{id}/`: label and/or state. */
export function updateInstance(world: World, id: number, body: unknown): Record<string, unknown> {
  const b = parse(UpdateBody, body);
  const rec = mustGet(world, id);
  let msg: string | undefined;
  if (b.label !== undefined) {
    if (b.label !== null && b.label.length > 1024)
      throw new ApiError(400, 'label_too_long', 'Label is too long (max 1024).');
    rec.label = b.label;
    msg = `label for ${id} set to '${b.label ?? ''}'`;
    world.dirty = true;
  }
  if (b.state === 'stopped') stopInstance(world, rec);
  if (b.state === 'running') startInstance(world, rec);
  return msg ? { success: true, msg } : { success: true };
}

/** `PUT /api/v0/instances/reboot/{id}/`: rebooting, then loading, then running. */
export function rebootInstance(world: World, id: number): void {
  const rec = mustGet(world, id);
  if (rec.status === 'running' || rec.status === 'loading' || rec.status === 'exited') {
    const rng = makeRng(hashSeed(world.seed, 'reboot', id, world.now()));
    rec.loadMs = between(rng, 10, 30) * 1000;
    rec.intended = 'running';
    setStatus(rec, 'rebooting', world.now(), 'Rebooting');
    world.dirty = true;
  }
}

/** `DELETE /api/v0/instances/{id}/`: billing stops, the offer returns to the market. */
export function destroyInstance(world: World, id: number): void {
  const rec = world.get(id);
  if (!rec) throw new ApiError(404, 'not_found', `Instance ${id} not found.`);
  world.advanceInstance(rec, world.now());
  world.instances.delete(id);
  world.market.release(rec.offer.id);
  world.dirty = true;
}

/** `POST /api/v0/instances/{id}/ssh/`: attach a public key. */
export function attachSshKey(world: World, id: number, body: unknown): string {
  const b = parse(z.object({ ssh_key: z.string().min(1) }), body);
  const rec = mustGet(world, id);
  const key = b.ssh_key.trim();
  if (!key.startsWith('ssh') || key.includes('PRIVATE KEY'))
    throw new ApiError(400, 'invalid_args', 'ssh_key: expected a public key starting with "ssh"');
  rec.sshKeys.push({ id: world.nextKeyId++, key });
  world.dirty = true;
  return `ssh key attached to instance ${id}`;
}

/** A deterministic 64-hex restricted key for an instance (CONTAINER_API_KEY), never the account key. */
export function instanceKeyFor(seed: number, id: number): string {
  return createHash('sha256').update(`sim-instance-key|${seed}|${id}`).digest('hex');
}

/**
 * `PUT /api/v0/instances/bid_price/{id}/` `{client_id, price}`: change an interruptible instance's bid. The price
 * must be at least the machine's current minimum bid; an outbid instance (stopped by Vast, still wanting to run)
 * restarts on its own disk.
 */
export function changeBid(world: World, id: number, body: unknown): string {
  const b = parse(z.object({ client_id: z.string().optional(), price: z.number() }), body);
  const rec = mustGet(world, id);
  if (!rec.isBid) throw new ApiError(400, 'invalid_args', `Instance ${id} is on-demand: it has no bid to change.`);
  if (b.price < 0.001 || b.price > 128)
    throw new ApiError(400, 'invalid_price', 'price: a bid must be between 0.001 and 128 $/hr');
  if (b.price < rec.offer.min_bid)
    throw new ApiError(400, 'invalid_price', `price: bid ${b.price} is below the minimum bid ${rec.offer.min_bid}`);
  world.advanceInstance(rec, world.now());
  rec.dphBase = b.price;
  if (rec.status === 'stopped' && rec.intended === 'running') startInstance(world, rec);
  world.dirty = true;
  return `bid for ${id} set to ${b.price}`;
}
