/**
 * Building the create request of a provision: env resolved from references (local environment or Vast
 * account env vars), the price (never a silent on-demand when interruptible was asked for), the label, the
 * nonce (as the VASTDECK_NONCE env entry), and a masked copy safe to print or journal.
 */
import type { Profile } from '../profiles/schema.js';
import { renderLabel } from '../profiles/label.js';
import { NONCE_ENV } from '../vast/units.js';
import { RUN_ID_ENV } from '../checkpoints/run-id.js';
import { renderOnstart } from '../profiles/onstart.js';
import type { CreateRequest, Offer } from '../vast/types.js';
import { createBody } from '../vast/create-body.js';
import { MASK } from '../journal/record.js';
import { readFileSecret } from '../profiles/secret-files.js';

/** How to pay: on-demand, or a bid (a number in $/hr, or 'auto' = min_bid × factor). */
export type PriceChoice = { kind: 'on-demand' } | { kind: 'bid'; bid: number | 'auto'; autoFactor?: number };

/** A provision that cannot go ahead as asked; `code` says why. */
export class ProvisionError extends Error {
  constructor(
    /** What went wrong, for callers to branch on. */
    readonly code:
      | 'env_missing'
      | 'bid'
      | 'offer_taken'
      | 'refused'
      | 'unconfirmed'
      | 'no_offers'
      | 'stuck'
      | 'boot_failed'
      | 'onstart'
      | 'journal',
    message: string,
  ) {
    super(message);
    this.name = 'ProvisionError';
  }
}

/** Default factor over min_bid for `--bid auto`: a little headroom so the bid is not outbid at once. */
export const AUTO_BID_FACTOR = 1.2;

/** The $/hr to send as `price`, or null for on-demand. Throws a 'bid' ProvisionError when no sound price exists. */
export function choosePrice(choice: PriceChoice, offer: Offer): number | null {
  if (choice.kind === 'on-demand') return null;
  if (choice.bid === 'auto') {
    if (offer.minBid === null || !(offer.minBid > 0)) {
      throw new ProvisionError(
        'bid',
        `offer ${offer.id} has no min_bid, so --bid auto cannot price it; pass --bid PRICE`,
      );
    }
    return Math.ceil(offer.minBid * (choice.autoFactor ?? AUTO_BID_FACTOR) * 1000) / 1000;
  }
  if (!(choice.bid >= 0.001 && choice.bid <= 128))
    throw new ProvisionError('bid', `bid must be between $0.001 and $128 per hour (got ${choice.bid})`);
  if (offer.minBid !== null && choice.bid < offer.minBid) {
    throw new ProvisionError(
      'bid',
      `bid $${choice.bid}/hr is below offer ${offer.id}'s min_bid $${offer.minBid}/hr; raise --bid or use --bid auto`,
    );
  }
  return choice.bid;
}

/**
 * Resolves the profile's env: literals as written, fromEnv read from `localEnv`; vast refs must exist on the account.
 */
export function resolveEnv(
  profile: Profile,
  localEnv: NodeJS.ProcessEnv,
  vastKeys: readonly string[] | null,
): { env: Record<string, string>; secretValues: string[] } {
  const env: Record<string, string> = {};
  const secretValues: string[] = [];
  const have = new Set((vastKeys ?? []).map((k) => k.toUpperCase()));
  for (const [name, ref] of Object.entries(profile.env)) {
    if (typeof ref === 'string') env[name] = ref;
    else if ('fromEnv' in ref) {
      const v = localEnv[ref.fromEnv];
      if (v === undefined || v === '')
        throw new ProvisionError(
          'env_missing',
          `env ${name}: $${ref.fromEnv} is not set in your environment; export it before provisioning`,
        );
      env[name] = v;
      secretValues.push(v);
    } else if ('fromFile' in ref) {
      let v: string;
      try {
        v = readFileSecret(ref, name, localEnv);
      } catch (err) {
        throw new ProvisionError('env_missing', (err as Error).message);
      }
      env[name] = v;
      secretValues.push(v);
    } else if (vastKeys !== null && !have.has(ref.vast.toUpperCase())) {
      throw new ProvisionError(
        'env_missing',
        `env ${name}: the Vast account has no env var ${ref.vast}; set it with \`vastdeck env set ${ref.vast}\``,
      );
    }
    // Vast injects account env vars into every new instance itself, so a vast reference sends nothing.
  }
  return { env, secretValues };
}

/** Names of the profile's env entries that Vast injects from the account. */
export function vastEnvRefs(profile: Profile): string[] {
  return Object.values(profile.env).flatMap((r) => (typeof r === 'object' && 'vast' in r ? [r.vast] : []));
}

/** The create request for one offer. */
export function buildCreateRequest(
  profile: Profile,
  offer: Offer,
  opts: { env: Record<string, string>; price: number | null; nonce: string; profileName?: string },
): CreateRequest {
  let onstart: string | null;
  try {
    onstart = renderOnstart(profile);
  } catch (err) {
    throw new ProvisionError('onstart', (err as Error).message);
  }
  const base = renderLabel(profile.label, {
    model: profile.model,
    profile: opts.profileName,
    numGpus: offer.numGpus,
    gpuName: offer.gpuName,
  });
  return {
    image: profile.image,
    diskGb: profile.diskGb,
    // The nonce travels as an env entry the API lists back, so the label stays the operator's convention.
    label: base,
    env: { ...opts.env, [NONCE_ENV]: opts.nonce },
    onstart,
    price: opts.price,
    runtype: 'ssh',
    cancelUnavail: true,
  };
}

/** A copy of the request with every env value replaced by *****: what dry-run prints and the journal keeps. */
export function maskRequest(req: CreateRequest): CreateRequest {
  return {
    ...req,
    env: Object.fromEntries(
      Object.entries(req.env ?? {}).map(([k, v]) => [k, k === NONCE_ENV || k === RUN_ID_ENV ? v : MASK]),
    ),
  };
}

/**
 * The request as it goes on the wire (`PUT /api/v0/asks/{id}/`), for --dry-run: the body VastClient sends
 * (vast/create-body.ts); pass a masked request.
 */
export function wirePreview(
  offerId: number,
  req: CreateRequest,
): { method: 'PUT'; path: string; body: Record<string, unknown> } {
  return {
    method: 'PUT',
    path: `/api/v0/asks/${offerId}/`,
    body: createBody(req),
  };
}
