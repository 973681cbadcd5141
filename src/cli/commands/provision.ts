import { numberFlag, intFlag, parseCommand } from '../args.js';
import { makeContext, refuseIfReadOnly } from '../context.js';
import { printJson, printText, registerSecret, UsageError, warn } from '../output.js';
import { checkOffers, checkCells } from '../../core/checks/check.js';
import { FileJournal, MemoryJournal } from '../../core/journal/journal.js';
import { defaultProfilesPath, loadProfile } from '../../core/profiles/load.js';
import { offerByIdQuery, profileOfferQuery } from '../../core/profiles/query.js';
import { provision, type ProvisionEvent } from '../../core/ops/provision.js';
import { ProvisionError, wirePreview, type PriceChoice } from '../../core/ops/provision-request.js';
import { CREATE_DEADLINE_MS } from '../../core/ops/provision-create.js';
import type { Profile } from '../../core/profiles/schema.js';
import type { Instance } from '../../core/vast/types.js';
import { formatMbps, measureDownload } from '../../core/ops/speedtest.js';
import { sshEndpoint } from '../../core/vast/units.js';
import { cliPool } from './logs.js';

/** Help for `vastdeck provision`. */
export const provisionHelp = `Usage: vastdeck provision --profile P (--offer-id N | --best) [--bid PRICE|auto] [--dry-run] [--json]

Rent one instance for a profile of instance_profiles.yaml: image, disk, env, onstart and the label template
(plus a nonce in the instance's env, VASTDECK_NONCE, so the rental can always be found again). Every step is
journaled. If the create fails in any way (timeout, drop, 429, 4xx, 5xx), vastdeck lists your instances for the
nonce before anything else: it never rents twice. A rerun first finishes what an interrupted one left open.

Options:
  --profile P        profile name (required)
  --profiles FILE    profiles file (default ${defaultProfilesPath().replace(process.env.HOME ?? '\0', '~')})
  --offer-id N       rent exactly this offer (refused when the checks fail, unless --force)
  --best             search with the profile's query and rent the best offer that passes the checks;
                     a taken offer moves on to the next one
  --type T           on-demand (default) | interruptible
  --bid PRICE|auto   bid in $/hr, which makes the rental interruptible; auto = min_bid × 1.2.
                     Interruptible without a bid is an error: a null price would silently rent on-demand
  --dry-run          print the exact request (env values masked) and rent nothing
  --no-wait          return once created, without waiting for boot
  --retry-stuck      destroy an instance stuck in loading (or dead) and rent the next offer
  --stuck-after MIN  minutes in loading before an instance counts as stuck (default 10)
  --boot-timeout MIN minutes to wait for boot at most (default 20)
  --create-deadline SEC  how long a create with no answer may still land (default 180); until then its
                     fate is "unknown — watching", and nothing is rented again
  --force            rent an --offer-id even when the checks fail
  --json             the result as JSON on stdout (progress stays on stderr)
  --api-url URL, --api-key KEY, -h/--help`;

/** Works out the price from --type and --bid, refusing any way to end up on-demand by accident. */
export function priceFromFlags(type: string | undefined, bid: string | undefined, profile: Profile): PriceChoice {
  if (type !== undefined && !['on-demand', 'ondemand', 'interruptible', 'bid'].includes(type)) {
    throw new UsageError(`--type must be on-demand or interruptible (got "${type}")`);
  }
  const wantsBid = type === 'interruptible' || type === 'bid' || (type === undefined && profile.search.type === 'interruptible');
  if (bid === undefined) {
    if (wantsBid) throw new UsageError('interruptible needs a price: pass --bid PRICE ($/hr) or --bid auto (min_bid × 1.2); without one Vast would rent on-demand');
    return { kind: 'on-demand' };
  }
  if (type === 'on-demand' || type === 'ondemand') throw new UsageError('--bid makes the rental interruptible; drop --type on-demand or drop --bid');
  if (bid === 'auto') return { kind: 'bid', bid: 'auto' };
  return { kind: 'bid', bid: numberFlag(bid, 'bid', 0.001, 128)! };
}

/** One progress line for stderr. */
export function describeEvent(e: ProvisionEvent): string | null {
  switch (e.type) {
    case 'request': return e.dryRun ? null : `renting offer ${e.offerId} as ${e.label}`;
    case 'create-failed': return `create attempt ${e.attempt} failed: ${e.message}${e.ambiguous ? ' (it may have gone through: checking)' : ''}`;
    case 'reconcile': return e.found ? `found our instance ${e.found} after all: not renting again` : 'no instance with our nonce after the create\'s deadline: nothing was rented';
    case 'watching': return `create on offer ${e.offerId}${e.attempt ? '' : ' (from an interrupted run)'}: unknown — watching for nonce ${e.nonce} until ${new Date(e.until).toISOString().slice(11, 19)} UTC`;
    case 'recovered': return e.message;
    case 'created': return `instance ${e.instanceId} created on offer ${e.offerId}${e.reconciled ? ' (found by reconcile)' : ''}`;
    case 'skip-offer': return `skipping offer ${e.offerId}: ${e.reason}`;
    case 'status': return `instance ${e.instanceId}: ${e.status}${e.msg ? ` (${e.msg})` : ''} after ${Math.round(e.elapsedMs / 1000)} s`;
    case 'boot-failed': return `instance ${e.instanceId} ${e.outcome} after ${Math.round(e.elapsedMs / 60_000)} min`;
    case 'destroyed': return `destroyed instance ${e.instanceId} (${e.reason})`;
    case 'price': return e.check.ok ? `billed $${e.check.billed.toFixed(3)}/hr as offered` : null;
    case 'speed': return e.result.bestMbps === null ? null : `download speed ${formatMbps(e.result.bestMbps)} (advertised ${e.result.advertisedMbps === null ? '?' : formatMbps(e.result.advertisedMbps)})`;
    case 'warning': return `warning: ${e.message}`;
  }
}

/** `vastdeck provision`. */
export async function provisionCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    argv,
    {
      profile: { type: 'string' }, profiles: { type: 'string' }, 'offer-id': { type: 'string' }, best: { type: 'boolean' },
      type: { type: 'string' }, bid: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'no-wait': { type: 'boolean' },
      'retry-stuck': { type: 'boolean' }, 'stuck-after': { type: 'string' }, 'boot-timeout': { type: 'string' },
      force: { type: 'boolean' }, json: { type: 'boolean' }, 'create-deadline': { type: 'string' },
    },
    'provision',
  );
  if (values.help) return printText(provisionHelp), 0;
  if (!values.profile) throw new UsageError('provision: --profile P is required; see `vastdeck provision --help`');
  const offerId = intFlag(values['offer-id'], 'offer-id', 1, Number.MAX_SAFE_INTEGER);
  if ((offerId === undefined) === !values.best) throw new UsageError('provision: give exactly one of --offer-id N or --best');
  const stuckAfter = numberFlag(values['stuck-after'], 'stuck-after', 1, 24 * 60) ?? 10;
  const bootTimeout = numberFlag(values['boot-timeout'], 'boot-timeout', 1, 24 * 60) ?? Math.max(20, stuckAfter + 5);
  const createDeadline = numberFlag(values['create-deadline'], 'create-deadline', 1, 3600) ?? CREATE_DEADLINE_MS / 1000;
  if (!values['dry-run']) await refuseIfReadOnly(values, 'provision (renting)');
  const profile = await loadProfile(values.profile, values.profiles ?? defaultProfilesPath());
  const price = priceFromFlags(values.type, values.bid, profile);
  for (const ref of Object.values(profile.env)) if (typeof ref === 'object' && 'fromEnv' in ref) registerSecret(process.env[ref.fromEnv]);
  const type = price.kind === 'bid' ? 'interruptible' : 'on-demand';

  const ctx = await makeContext(values);
  const query = offerId !== undefined ? offerByIdQuery(offerId, profile.diskGb, type) : profileOfferQuery(profile, type);
  const offers = await ctx.client.searchOffers(query);
  const checks = checkOffers(offers, profile);
  let candidates = offers;
  if (offerId !== undefined) {
    const [offer] = offers;
    if (!offer || offer.id !== offerId) throw new ProvisionError('offer_taken', `offer ${offerId} is not available (rented, gone, or not rentable)`);
    const c = checks[0]!;
    if (c.verdict === 'fails' && !values.force) throw new UsageError(`offer ${offerId} does not suit profile ${values.profile}: ${c.summary}; pass --force to rent it anyway`);
  } else {
    candidates = offers.filter((_, i) => checks[i]!.verdict !== 'fails');
    if (candidates.length === 0) throw new ProvisionError('no_offers', `none of ${offers.length} offers found for profile ${values.profile} passes the checks`);
  }

  const journal = values['dry-run'] ? new MemoryJournal() : new FileJournal();
  const progress = (e: ProvisionEvent) => {
    const line = describeEvent(e);
    if (line) warn(`${line}\n`);
  };
  const result = await provision(
    { api: ctx.client, journal, sleep: (ms) => new Promise((r) => setTimeout(r, ms)), now: Date.now },
    {
      profile, profileName: values.profile, candidates, price, dryRun: values['dry-run'], nextOnTaken: values.best,
      retryStuck: values['retry-stuck'], wait: !values['no-wait'], create: { deadlineMs: createDeadline * 1000 },
      boot: { stuckAfterMs: stuckAfter * 60_000, timeoutMs: bootTimeout * 60_000 }, onEvent: progress,
      speedtest: profile.speedtest ? (inst, offer) => speedtestOverSsh(inst, offer.inetDownMbps, profile.speedtest!.urls, profile.speedtest!.seconds) : undefined,
    },
  );
  const check = checks[offers.indexOf(result.offer)];
  const ok = ['dry-run', 'created', 'running'].includes(result.outcome);
  if (values.json) {
    printJson({
      outcome: result.outcome, instanceId: result.instanceId ?? null, offerId: result.offer.id, label: result.label, nonce: result.nonce,
      request: wirePreview(result.offer.id, result.request), priceCheck: result.priceCheck ?? null, speed: result.speed ?? null, destroyed: result.destroyed,
      check: check ?? null,
    });
    return ok ? 0 : 1;
  }
  if (result.outcome === 'dry-run') {
    const cells = check ? checkCells(check) : null;
    printText(`dry run: would rent offer ${result.offer.id} (${result.offer.numGpus}× ${result.offer.gpuName}, $${result.offer.dphTotal.toFixed(3)}/hr)${cells?.why ? ` — ${cells.why}` : ''}`);
    if (cells?.eta) printText(`estimate to step ${profile.targetStep}: ${cells.eta}, ${cells.cost} (${check!.estimate!.note})`);
    const w = wirePreview(result.offer.id, result.request);
    printText(`${w.method} ${w.path}\n${JSON.stringify(w.body, null, 2)}`);
    return 0;
  }
  if (result.outcome === 'running' || result.outcome === 'created') {
    printText(`${result.outcome === 'running' ? 'running' : 'created'}: instance ${result.instanceId} ${result.label}`);
    if (result.speed) printText(result.speed.warning ? `warning: ${result.speed.warning}` : `download speed ${formatMbps(result.speed.bestMbps ?? 0)} (advertised ${formatMbps(result.offer.inetDownMbps)})`);
    return 0;
  }
  printText(`instance ${result.instanceId} ${result.outcome}: it is still rented (label ${result.label}); destroy it with \`vastdeck destroy ${result.instanceId}\` or rerun with --retry-stuck`);
  return 1;
}

/** The post-boot download test over SSH, with the headless commands' pool (a fresh host may need a few tries). */
async function speedtestOverSsh(inst: Instance, advertisedMbps: number, urls: string[], seconds: number) {
  const ep = sshEndpoint(inst);
  if (!ep) throw new Error('no SSH endpoint');
  const pool = cliPool();
  try {
    const target = { host: ep.host, port: ep.port };
    for (let i = 0; ; i++) {
      try {
        await pool.connection(target);
        break;
      } catch (err) {
        if (i >= 5) throw err;
        await new Promise((r) => setTimeout(r, 1000 * (i + 1)));
      }
    }
    return await measureDownload((t, cmd, o) => pool.exec(t, cmd, o), target, urls, { advertisedMbps, seconds });
  } finally {
    await pool.close();
  }
}
