/**
 * Provisioning from the offer browser, without React: the confirmation text (the exact request, env masked)
 * and one status line per provision event. The run itself is core's provision(), so the TUI can never rent
 * twice any more than the CLI can.
 */
import type { Offer } from '../../core/vast/types.js';
import { ruleViolations } from '../../core/profiles/rules.js';
import type { Profile } from '../../core/profiles/schema.js';
import type { ProvisionEvent } from '../../core/ops/provision.js';
import { buildCreateRequest, choosePrice, maskRequest, type PriceChoice } from '../../core/ops/provision-request.js';
import { MASK } from '../../core/journal/record.js';
import { NONCE_ENV } from '../../core/vast/units.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { formatRate } from '../../core/present/money.js';
import { formatMbps } from '../../core/ops/speedtest.js';
import type { CheckResult } from '../../core/checks/types.js';

/** A provision waiting for y/n. */
export interface ProvisionPlan {
  offer: Offer;
  profile: Profile;
  profileName: string;
  price: PriceChoice;
  /** Lines of the confirmation box. */
  lines: string[];
}

/** The price a profile asks for: interruptible profiles bid min_bid × 1.2, others rent on-demand. */
export function profilePrice(p: Profile): PriceChoice {
  return p.search.type === 'interruptible' ? { kind: 'bid', bid: 'auto' } : { kind: 'on-demand' };
}

/**
 * Why an offer must not be rented from the browser, or null: an offer that fails the profile's checks is refused,
 * as `vastdeck provision --offer-id` refuses it without --force.
 */
export function provisionRefusal(
  profileName: string,
  offer: Offer,
  check: CheckResult | undefined,
  profile?: Profile,
): string | null {
  // The profile's rules (minimum disk for its kind, configs never to use, GPUs to refuse) are never overridden here.
  const broken = profile ? ruleViolations(profile, offer) : [];
  if (broken.length) return `profile ${profileName} refuses offer ${offer.id}: ${sanitizeLine(broken.join('; '))}`;
  if (check?.verdict !== 'fails') return null;
  return (
    `offer ${offer.id} does not suit profile ${profileName}: ${sanitizeLine(check.summary)}; not renting it (the ` +
    `CLI can: vastdeck provision --profile ${profileName} --offer-id ${offer.id} --force)`
  );
}

/** Builds the plan, or throws (a bid that cannot be priced, a bad onstart) with a message for the status line. */
export function planProvision(profile: Profile, profileName: string, offer: Offer, check?: CheckResult): ProvisionPlan {
  const price = profilePrice(profile);
  const bid = choosePrice(price, offer);
  // Env values are never needed to show the request: every value is shown as *****, vast refs by name.
  const env = Object.fromEntries(
    Object.entries(profile.env).flatMap(([k, v]) => (typeof v === 'object' && 'vast' in v ? [] : [[k, MASK]])),
  );
  const req = maskRequest(buildCreateRequest(profile, offer, { env, price: bid, nonce: 'xxxxxxxx', profileName }));
  const vastRefs = Object.entries(profile.env).flatMap(([k, v]) =>
    typeof v === 'object' && 'vast' in v ? [`${k} (account ${v.vast})`] : [],
  );
  const envText =
    [
      ...Object.keys(req.env ?? {})
        .filter((k) => k !== NONCE_ENV)
        .map((k) => `${k}=${MASK}`),
      ...vastRefs,
    ].join('  ') || '–';
  const priceText =
    bid === null
      ? `on-demand ${formatRate(offer.dphTotal)}/hr`
      : `interruptible, bid ${formatRate(bid)}/hr (min bid ${formatRate(offer.minBid ?? 0)})`;
  return {
    offer,
    profile,
    profileName,
    price,
    lines: [
      `Rent offer ${offer.id}: ${offer.numGpus}× ${sanitizeLine(offer.gpuName)} in ` +
        `${sanitizeLine(offer.geolocation ?? '?')} for profile ${profileName}?`,
      `image  ${sanitizeLine(req.image)}`,
      `disk   ${req.diskGb} GB    price  ${priceText}`,
      `label  ${sanitizeLine(req.label ?? '')}  (its nonce goes in the env as ${NONCE_ENV})`,
      `env    ${sanitizeLine(envText)}`,
      `onstart ${req.onstart ? 'yes (from the profile)' : 'none'}`,
      ...(check
        ? [`checks ${check.verdict === 'warns' ? `! ${sanitizeLine(check.summary)}` : '✓ fits the profile'}`]
        : []),
    ],
  };
}

/** One status line for a provision event, or null for events that change nothing visible. */
export function eventLine(e: ProvisionEvent): string | null {
  switch (e.type) {
    case 'request':
      return `renting offer ${e.offerId} as ${sanitizeLine(e.label)}…`;
    case 'create-failed':
      return (
        `create attempt ${e.attempt} failed: ` +
        `${sanitizeLine(e.message)}${e.ambiguous ? ' (checking whether it went through)' : ''}`
      );
    case 'reconcile':
      return e.found
        ? `found our instance ${e.found}: not renting again`
        : 'no instance carries our nonce: this attempt rented nothing';
    case 'watching':
      return (
        `create on offer ${e.offerId}: unknown — watching for it until ` +
        `${new Date(e.until).toISOString().slice(11, 19)} UTC`
      );
    case 'recovered':
      return sanitizeLine(e.message);
    case 'created':
      return `instance ${e.instanceId} created; waiting for it to boot…`;
    case 'skip-offer':
      return `skipping offer ${e.offerId}: ${sanitizeLine(e.reason)}`;
    case 'status':
      return `instance ${e.instanceId}: ${e.status} after ${Math.round(e.elapsedMs / 1000)} s`;
    case 'boot-failed':
      return (
        `instance ${e.instanceId} ${e.outcome} after ${Math.round(e.elapsedMs / 1000)} s: still rented, destroy ` +
        `it from the CLI`
      );
    case 'destroyed':
      return `destroyed instance ${e.instanceId} (${sanitizeLine(e.reason)})`;
    case 'price':
      return e.check.ok ? `instance ${e.instanceId} running, billed ${formatRate(e.check.billed)}/hr as offered` : null;
    case 'speed':
      return e.result.bestMbps === null
        ? null
        : `instance ${e.instanceId} downloads at ${formatMbps(e.result.bestMbps)}`;
    case 'host-check':
      return e.report.ok ? `instance ${e.instanceId}: host checked, it is what was paid for` : null;
    case 'host-mismatch':
      return (
        `instance ${e.instanceId} is not what was paid for: ` +
        `${sanitizeLine(e.mismatches.map((m) => m.message).join('; '))}`
      );
    case 'blacklisted':
      return `machine ${e.machineId} blacklisted; renting the next offer`;
    case 'warning':
      return `warning: ${sanitizeLine(e.message)}`;
  }
}
