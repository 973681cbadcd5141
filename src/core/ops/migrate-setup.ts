/**
 * What the CLI and the TUI share to start a migration: a fresh id, the spec from a profile, and the offers to
 * rent the target from (the profile's query, or one offer id), checked against the profile.
 */
import { randomBytes } from 'node:crypto';
import type { VastApi } from '../vast/api.js';
import type { Offer } from '../vast/types.js';
import type { Profile } from '../profiles/schema.js';
import { offerByIdQuery, profileOfferQuery } from '../profiles/profile-search.js';
import { checkOffers } from '../checks/check.js';
import type { MigrationSpec } from './migrate-record.js';
import type { Instance } from '../vast/types.js';
import type { HostCheckpoint } from '../checkpoints/types.js';
import type { RsyncStore } from '../checkpoints/rsync.js';
import { sshTrustOptions } from '../ssh/attach.js';
import { renderLabel } from '../profiles/label.js';
import { sanitizeLine } from '../util/sanitize.js';

/** A migration id: 8 base-36 characters, the same shape as a provision nonce (it becomes the target's). */
export function newMigrationId(): string {
  return [...randomBytes(8)].map((b) => (b % 36).toString(36)).join('');
}

/** The spec of a new migration of `sourceId` with `profile`; run dir and log default to the profile's onstart. */
export function migrationSpec(
  sourceId: number,
  profileName: string,
  profilesFile: string,
  profile: Profile,
  opts: Partial<MigrationSpec> = {},
): MigrationSpec {
  const parts = profile.onstart && 'runDir' in profile.onstart ? profile.onstart : null;
  return {
    id: newMigrationId(),
    sourceId,
    profileName,
    profilesFile,
    offerId: null,
    continuation: null,
    allowBehind: false,
    sync: false,
    price: { kind: 'on-demand' },
    runDir: parts?.runDir ?? '/workspace/run',
    logPath: parts?.log ?? '/workspace/train.log',
    ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)),
  };
}

/** Why a profile cannot drive a migration, or null when it can. */
export function migrationProblem(profile: Profile): string | null {
  if (!profile.resume) return 'has no resume: command';
  if (!profile.checkpoint) return 'has no checkpoint: store';
  return null;
}

/**
 * Offers for the target, best first: --offer-id's one (whatever its GPU: the user chose it), or the profile's
 * query narrowed to the source's GPU model and count, minus offers that fail the profile's checks. A run is
 * never moved to another GPU model than it trained on unless the user picked that offer.
 */
export async function findCandidates(
  api: Pick<VastApi, 'searchOffers'>,
  profile: Profile,
  spec: MigrationSpec,
  source: Pick<Instance, 'gpuName' | 'numGpus'>,
): Promise<Offer[]> {
  const type = spec.price.kind === 'bid' ? 'interruptible' : 'on-demand';
  if (spec.offerId !== null) {
    const [offer] = await api.searchOffers(offerByIdQuery(spec.offerId, profile.diskGb, type));
    if (!offer || offer.id !== spec.offerId)
      throw new Error(`offer ${spec.offerId} is not available (rented, gone, or not rentable)`);
    return [offer];
  }
  const q = profileOfferQuery(profile, type);
  q.filters.gpu_name = { eq: source.gpuName };
  q.filters.num_gpus = { eq: source.numGpus };
  const offers = (await api.searchOffers(q)).filter(
    (o) => o.gpuName === source.gpuName && o.numGpus === source.numGpus,
  );
  const checks = checkOffers(offers, profile);
  return offers.filter((_, i) => checks[i]!.verdict !== 'fails');
}

/** The source instance, to rent its GPU model again; an error naming the way out when it is gone. */
export async function sourceInstance(api: Pick<VastApi, 'listInstances'>, id: number): Promise<Instance> {
  const src = (await api.listInstances()).find((i) => i.id === id);
  if (!src)
    throw new Error(
      `source instance ${id} is no longer in the account, so its GPU model is unknown: choose the target with ` +
        `--offer-id`,
    );
  return src;
}

/** What renting `offer` for the migration means, in one line: GPU, count, $/hr, location, offer and label. */
export function describeTarget(offer: Offer, profile: Profile, spec: MigrationSpec): string {
  // The label the rental will carry: the operator's convention; the migration id travels as its nonce in the env.
  const label = renderLabel(profile.label, {
    model: profile.model,
    profile: spec.profileName,
    numGpus: offer.numGpus,
    gpuName: offer.gpuName,
  });
  return (
    `${offer.numGpus}× ${sanitizeLine(offer.gpuName)} at $${offer.dphTotal.toFixed(3)}/hr in ` +
    `${sanitizeLine(offer.geolocation ?? 'an unknown location')} (offer ${offer.id}), labelled ` +
    `${sanitizeLine(label)}`
  );
}

/**
 * `migrate --sync` for an rsync store: copies the source's newest checkpoint into the store with rsync over the
 * system ssh, as root on the instance's SSH endpoint, trusting and authenticating as vastdeck's ssh does.
 */
export function rsyncFromSource(
  store: RsyncStore,
  identity: { knownHostsFile: string; identityFiles: readonly string[] },
) {
  return async (source: Instance, host: HostCheckpoint): Promise<void> => {
    if (!source.sshHost || !source.sshPort)
      throw new Error(`instance ${source.id} has no SSH endpoint to copy checkpoint-${host.step} from`);
    const sshArgs = ['-p', String(source.sshPort), ...sshTrustOptions(identity.knownHostsFile, identity.identityFiles)];
    await store.upload({ dir: host.dir, host: `root@${source.sshHost}`, sshArgs }, host.step);
  };
}
