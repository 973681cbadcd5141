/**
 * What bills unwatched: every instance that no fleet and no journal record owns (created by hand, by another
 * tool, or by a vastdeck whose journal was lost), and every stopped instance still paying for its disk. Pure:
 * the listing, the journal's records and the charges in, rows out.
 */
import type { JournalRecord } from '../journal/record.js';
import type { Charge, Instance } from '../vast/types.js';
import { instanceBurn } from '../fleet/burn.js';
import { instanceNonce } from '../profiles/label.js';

/** Why an instance is swept up. */
export type SweepReason = 'unowned' | 'stopped';

/** One row of the sweep. */
export interface SweepRow {
  instanceId: number;
  label: string | null;
  status: string;
  reasons: SweepReason[];
  /** $ charged for it so far (in the charges given). */
  spent: number;
  /** $/day it costs now (storage only while stopped). */
  perDay: number;
}

/** What owns instances, read from the journal: instance ids, label nonces, and fleet prefixes. */
export interface Owners {
  ids: Set<number>;
  nonces: Set<string>;
  fleets: Set<string>;
}

/** Owners from journal records (every op that names an instance, a nonce, or a fleet). */
export function ownersFrom(records: readonly JournalRecord[], fleets: readonly string[] = []): Owners {
  const o: Owners = { ids: new Set(), nonces: new Set(), fleets: new Set(fleets) };
  for (const r of records) {
    if (r.ids.instanceId !== undefined) o.ids.add(r.ids.instanceId);
    if (r.ids.nonce) o.nonces.add(r.ids.nonce);
    if (typeof r.details.fleet === 'string' && r.details.fleet) o.fleets.add(r.details.fleet);
  }
  return o;
}

/** True when the journal or a fleet accounts for the instance. */
export function isOwned(inst: Instance, o: Owners): boolean {
  if (o.ids.has(inst.id)) return true;
  const label = inst.label ?? '';
  // vastdeck's nonce: the VASTDECK_NONCE env entry (Instance.nonce), or an older rental's #nonce label tag.
  const tag = instanceNonce(inst);
  if (tag && o.nonces.has(tag)) return true;
  for (const f of o.fleets) if (label.startsWith(f)) return true;
  return false;
}

/** The sweep: unowned or stopped instances, most expensive per day first. */
export function sweep(instances: readonly Instance[], owners: Owners, charges: readonly Charge[]): SweepRow[] {
  const spent = new Map<number, number>();
  for (const c of charges)
    if (c.instanceId !== null) spent.set(c.instanceId, (spent.get(c.instanceId) ?? 0) + c.amount);
  const rows: SweepRow[] = [];
  for (const inst of instances) {
    const reasons: SweepReason[] = [];
    if (!isOwned(inst, owners)) reasons.push('unowned');
    if (inst.status === 'stopped' && inst.storageDph > 0) reasons.push('stopped');
    if (!reasons.length) continue;
    rows.push({
      instanceId: inst.id,
      label: inst.label,
      status: inst.status,
      reasons,
      spent: Math.round((spent.get(inst.id) ?? 0) * 1000) / 1000,
      perDay: Math.round(instanceBurn(inst) * 24 * 1000) / 1000,
    });
  }
  return rows.sort((a, b) => b.perDay - a.perDay || a.instanceId - b.instanceId);
}
