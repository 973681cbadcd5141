/**
 * The keeper's real launcher: one offer search for the profile (blacklisted machines, a $/hr cap and a GPU list
 * added to its query), the pre-rental checks, then `provision()` once per missing worker, without waiting for
 * boot (a stuck boot is the policy's business) and never renting twice (provision reconciles by nonce).
 */
import type { VastApi } from '../vast/api.js';
import type { Offer } from '../vast/types.js';
import type { JournalWriter } from '../journal/journal.js';
import type { Profile } from '../profiles/schema.js';
import { profileOfferQuery } from '../profiles/profile-search.js';
import { checkOffers } from '../checks/check.js';
import { provision, type ProvisionEvent } from '../ops/provision.js';
import type { PriceChoice } from '../ops/provision-request.js';
import type { LaunchOutcome } from './keeper.js';

/** What the launcher needs. */
export interface LauncherOptions {
  api: VastApi;
  journal: JournalWriter;
  profile: Profile;
  profileName?: string;
  /** Fleet label prefix: every launched label starts with it. */
  prefix: string;
  price: PriceChoice;
  /** Most $/hr an offer may cost. */
  maxDph?: number;
  /** Only these GPU names (as Vast spells them). */
  gpus?: readonly string[];
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  nonce?: () => string;
  env?: NodeJS.ProcessEnv;
  onEvent?: (e: ProvisionEvent) => void;
}

/** The profile with its label template made to start with the fleet prefix (so the keeper finds its workers). */
export function fleetProfile(profile: Profile, prefix: string): Profile {
  // Judge the template with its fixed fields filled in: "mosaic-{model}-{gpu_type}" serves prefix "mosaic-gpt2".
  const fixed = profile.label.replace(/\{(model|profile)\}/g, profile.model);
  if (fixed.startsWith(prefix)) return profile;
  const sep = /[-_.]$/.test(prefix) || prefix === '' ? '' : '-';
  return { ...profile, label: `${prefix}${sep}${profile.label}` };
}

/** Candidate offers for the keeper, best first: passing the checks, not blacklisted, within the caps. */
export async function keeperCandidates(
  o: Pick<LauncherOptions, 'api' | 'profile' | 'price' | 'maxDph' | 'gpus'>,
  blacklist: readonly number[],
): Promise<Offer[]> {
  const q = profileOfferQuery(o.profile, o.price.kind === 'bid' ? 'interruptible' : 'on-demand');
  if (blacklist.length) q.filters.machine_id = { ...q.filters.machine_id, notin: [...blacklist] };
  if (o.maxDph !== undefined) q.filters.dph_total = { ...q.filters.dph_total, lte: o.maxDph };
  if (o.gpus?.length) q.filters.gpu_name = { ...q.filters.gpu_name, in: [...o.gpus] };
  const offers = await o.api.searchOffers(q);
  const checks = checkOffers(offers, o.profile);
  const banned = new Set(blacklist);
  // The server filters too, but a market (or simulator) that ignores a filter must not get a banned host rented.
  return offers.filter(
    (off, i) =>
      checks[i]!.verdict !== 'fails' &&
      !banned.has(off.machineId) &&
      (o.maxDph === undefined || off.dphTotal <= o.maxDph),
  );
}

/** Builds `launch(count, {blacklist})` for the keeper. */
export function makeLauncher(
  o: LauncherOptions,
): (count: number, opts: { blacklist: readonly number[] }) => Promise<LaunchOutcome> {
  const profile = fleetProfile(o.profile, o.prefix);
  return async (count, { blacklist }) => {
    const out: LaunchOutcome = { ids: [], errors: [] };
    let candidates: Offer[];
    try {
      candidates = await keeperCandidates(o, blacklist);
    } catch (err) {
      return { ids: [], errors: [`offer search failed: ${(err as Error).message}`] };
    }
    for (let n = 0; n < count; n++) {
      if (candidates.length === 0) {
        out.errors.push(`no suitable offer left for ${count - n} more worker${count - n > 1 ? 's' : ''}`);
        break;
      }
      try {
        const r = await provision(
          { api: o.api, journal: o.journal, now: o.now, sleep: o.sleep, nonce: o.nonce, env: o.env },
          {
            profile,
            profileName: o.profileName,
            candidates,
            price: o.price,
            nextOnTaken: true,
            wait: false,
            onEvent: o.onEvent,
          },
        );
        candidates = candidates.filter((c) => c.id !== r.offer.id);
        if (r.instanceId !== undefined) out.ids.push(r.instanceId);
      } catch (err) {
        out.errors.push((err as Error).message);
        break; // the same search would fail the same way; the next pass searches afresh
      }
    }
    return out;
  };
}
