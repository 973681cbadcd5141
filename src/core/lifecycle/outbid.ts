/**
 * The two ways back for an outbid interruptible instance (stopped by Vast, still paying storage), priced:
 * raise the bid in place (Vast's change-bid call: same machine, same disk, nothing to copy) or migrate from the
 * newest checkpoint verified in the store to the cheapest suitable offer. Pure except for the lookups passed in.
 */
import type { CheckpointStoreReader } from '../checkpoints/types.js';
import type { Instance, Offer } from '../vast/types.js';
import { isOutbid, raisedBid } from './policy.js';

/** One outbid instance and its options. */
export interface OutbidRescue {
  instanceId: number;
  label: string | null;
  /** $/hr it pays now, stopped (storage). */
  storagePerHour: number;
  /** The bid it had, $/hr (GPU part). */
  oldBid: number;
  /** The machine's minimum bid now, when known. */
  minBid: number | null;
  raise: { bid: number; totalPerHour: number; capped: boolean };
  /** Null when no profile was given to search offers and read the store. */
  migrate:
    | {
        offerId: number;
        gpuName: string;
        numGpus: number;
        perHour: number;
        fromStep: number | null;
        where: string | null;
      }
    | { problem: string }
    | null;
}

/** Outbid instances among `instances`. */
export function outbidInstances(instances: readonly Instance[]): Instance[] {
  return instances.filter(isOutbid);
}

/** Prices both ways back for one outbid instance; `offers` are the suitable offers (cheapest used). */
export async function rescueOptions(
  inst: Instance,
  o: { maxBid?: number | null; offers?: readonly Offer[]; store?: CheckpointStoreReader | null },
): Promise<OutbidRescue> {
  const r = raisedBid(inst, o.maxBid ?? null);
  const oldBid = Math.round(Math.max(0, inst.dphTotal - inst.storageDph) * 1000) / 1000;
  let migrate: OutbidRescue['migrate'] = null;
  if (o.offers) {
    const best = [...o.offers].filter((x) => x.machineId !== inst.machineId).sort((a, b) => a.dphTotal - b.dphTotal)[0];
    if (!best) migrate = { problem: 'no suitable offer on the market right now' };
    else {
      let fromStep: number | null = null;
      let where: string | null = null;
      if (o.store) {
        where = o.store.where;
        try {
          const steps = (await o.store.list()).map((c) => c.step);
          fromStep = steps.length ? Math.max(...steps) : null;
        } catch (err) {
          migrate = { problem: `the checkpoint store cannot be read (${(err as Error).message})` };
        }
      }
      migrate ??= {
        offerId: best.id,
        gpuName: best.gpuName,
        numGpus: best.numGpus,
        perHour: best.dphTotal,
        fromStep,
        where,
      };
    }
  }
  return {
    instanceId: inst.id,
    label: inst.label,
    storagePerHour: inst.storageDph,
    oldBid,
    minBid: inst.minBid,
    raise: { bid: r.bid, totalPerHour: Math.round((r.bid + inst.storageDph) * 1000) / 1000, capped: r.capped },
    migrate,
  };
}
