/**
 * What the CLI and the TUI share to start a migration: a fresh id, the spec from a profile, and the offers to
 * rent the target from (the profile's query, or one offer id), checked against the profile.
 */
import { randomBytes } from 'node:crypto';
import type { VastApi } from '../vast/api.js';
import type { Offer } from '../vast/types.js';
import type { Profile } from '../profiles/schema.js';
import { offerByIdQuery, profileOfferQuery } from '../profiles/query.js';
import { checkOffers } from '../checks/check.js';
import type { MigrationSpec } from './migrate-record.js';
import type { Instance } from '../vast/types.js';
import type { HostCheckpoint } from '../checkpoints/types.js';
import type { RsyncStore } from '../checkpoints/rsync.js';
import { sshTrustOptions } from '../ssh/attach.js';

/** A migration id: 8 base-36 characters, the same shape as a provision nonce (it becomes the target's). */
export function newMigrationId(): string {
  return [...randomBytes(8)].map((b) => (b % 36).toString(36)).join('');
}

/** The spec of a new migration of `sourceId` with `profile`; run dir and log default to the profile's onstart. */
export function migrationSpec(sourceId: number, profileName: string, profilesFile: string, profile: Profile, opts: Partial<MigrationSpec> = {}): MigrationSpec {
  const parts = profile.onstart && 'runDir' in profile.onstart ? profile.onstart : null;
  return {
    id: newMigrationId(), sourceId, profileName, profilesFile, offerId: null, continuation: null, allowBehind: false, sync: false,
    price: { kind: 'on-demand' }, runDir: parts?.runDir ?? '/workspace/run', logPath: parts?.log ?? '/workspace/train.log',
    ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)),
  };
}

/** Why a profile cannot drive a migration, or null when it can. */
export function migrationProblem(profile: Profile): string | null {
  if (!profile.resume) return 'has no resume: command';
  if (!profile.checkpoint) return 'has no checkpoint: store';
  return null;
}

/** Offers for the target, best first: --offer-id's one, or the profile's query minus offers that fail its checks. */
export async function findCandidates(api: Pick<VastApi, 'searchOffers'>, profile: Profile, spec: MigrationSpec): Promise<Offer[]> {
  const type = spec.price.kind === 'bid' ? 'interruptible' : 'on-demand';
  if (spec.offerId !== null) {
    const [offer] = await api.searchOffers(offerByIdQuery(spec.offerId, profile.diskGb, type));
    if (!offer || offer.id !== spec.offerId) throw new Error(`offer ${spec.offerId} is not available (rented, gone, or not rentable)`);
    return [offer];
  }
  const offers = await api.searchOffers(profileOfferQuery(profile, type));
  const checks = checkOffers(offers, profile);
  return offers.filter((_, i) => checks[i]!.verdict !== 'fails');
}

/**
 * `migrate --sync` for an rsync store: copies the source's newest checkpoint into the store with rsync over the
 * system ssh, as root on the instance's SSH endpoint, trusting and authenticating as vastdeck's ssh does.
 */
export function rsyncFromSource(store: RsyncStore, identity: { knownHostsFile: string; identityFiles: readonly string[] }) {
  return async (source: Instance, host: HostCheckpoint): Promise<void> => {
    if (!source.sshHost || !source.sshPort) throw new Error(`instance ${source.id} has no SSH endpoint to copy checkpoint-${host.step} from`);
    const sshArgs = ['-p', String(source.sshPort), ...sshTrustOptions(identity.knownHostsFile, identity.identityFiles)];
    await store.upload({ dir: host.dir, host: `root@${source.sshHost}`, sshArgs }, host.step);
  };
}
