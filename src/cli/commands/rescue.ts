/**
 * `vastdeck rescue`: outbid interruptible instances (stopped by Vast, still paying storage) and the two ways
 * back with their prices — raise the bid in place, or migrate from the newest verified checkpoint — and
 * `--raise` to do the first (journaled). `vastdeck migrate` does the second.
 */
import { numberFlag, parseCommand } from '../args.js';
import { makeContext, refuseIfReadOnly } from '../context.js';
import { printJson, printText, UsageError } from '../output.js';
import { defaultProfilesPath, loadProfile } from '../../core/profiles/load.js';
import { profileOfferQuery } from '../../core/profiles/profile-search.js';
import { checkOffers } from '../../core/checks/check.js';
import { outbidInstances, rescueOptions, type OutbidRescue } from '../../core/lifecycle/outbid.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import type { Offer } from '../../core/vast/types.js';
import { formatPerDay, formatRateExact } from '../../core/present/money.js';

/** Help for `vastdeck rescue`. */
export const rescueHelp = `Usage: vastdeck rescue [ID…] [--profile P] [--raise] [--bid PRICE] [--max-bid X] [--json]

An interruptible instance that was outbid is stopped by Vast and keeps paying for its disk. For each one (or the
IDs given) this shows the two ways back with their prices:
  raise the bid in place — Vast's change-bid call; same machine, same disk, training resumes from where it was
  migrate                — the cheapest suitable offer for --profile, resuming from the newest checkpoint
                           verified in the profile's store (\`vastdeck migrate ID --profile P --allow-behind\`)
A profile's \`lifecycle: {onOutbid: raise-bid | migrate}\` lets autopilot and monitor do either by rule.

Options:
  --profile P      price a migration (offers for the profile, newest checkpoint in its store)
  --profiles FILE  profiles file (default ${defaultProfilesPath().replace(process.env.HOME ?? '\0', '~')})
  --raise          raise the bid now (journaled) to --bid, or to 20 % over the machine's minimum bid
  --bid PRICE      the bid for --raise, $/hr
  --max-bid X      never propose or set more than X $/hr
  --json           the options as JSON on stdout
  --api-url URL, --api-key KEY, -h/--help`;

/** `vastdeck rescue`. */
export async function rescueCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      profile: { type: 'string' },
      profiles: { type: 'string' },
      raise: { type: 'boolean' },
      bid: { type: 'string' },
      'max-bid': { type: 'string' },
      json: { type: 'boolean' },
    },
    'rescue',
  );
  if (values.help) return (printText(rescueHelp), 0);
  const ids = positionals.map((p) => {
    if (!/^\d+$/.test(p)) throw new UsageError(`rescue: "${p}" is not an instance ID`);
    return Number(p);
  });
  const bid = numberFlag(values.bid, 'bid', 0.001, 128);
  const maxBid = numberFlag(values['max-bid'], 'max-bid', 0.001, 128);
  if (bid !== undefined && !values.raise) throw new UsageError('rescue: --bid goes with --raise');
  if (bid !== undefined && maxBid !== undefined && bid > maxBid)
    throw new UsageError(`rescue: --bid ${bid} is above --max-bid ${maxBid}`);
  const profile = values.profile ? await loadProfile(values.profile, values.profiles ?? defaultProfilesPath()) : null;
  if (values.raise) await refuseIfReadOnly(values, 'rescue --raise (changing a bid)');
  const ctx = await makeContext(values, ['journal']);
  const all = await ctx.client.listInstances();
  for (const id of ids)
    if (!all.some((i) => i.id === id)) throw new UsageError(`rescue: instance ${id} is not in your account`);
  const chosen = outbidInstances(all).filter((i) => ids.length === 0 || ids.includes(i.id));
  for (const id of ids)
    if (!chosen.some((i) => i.id === id))
      process.stderr.write(`instance ${id} is not outbid (not a stopped interruptible instance that wants to run)\n`);
  let offers: Offer[] | undefined;
  const store = profile?.checkpoint ? await ctx.checkpointStore(profile.checkpoint) : null;
  if (profile && chosen.length) {
    const found = await ctx.client.searchOffers(profileOfferQuery(profile, 'on-demand'));
    const checks = checkOffers(found, profile);
    offers = found.filter((_, i) => checks[i]!.verdict !== 'fails');
  }
  const rows: OutbidRescue[] = [];
  for (const inst of chosen) rows.push(await rescueOptions(inst, { maxBid, offers, store: store?.reader ?? null }));
  const raised: Array<{ instanceId: number; bid: number; ok: boolean; message: string }> = [];
  if (values.raise) {
    const journal = ctx.journal();
    for (const r of rows) {
      const price = bid ?? r.raise.bid;
      const ids = { instanceId: r.instanceId, ...(r.label ? { label: r.label } : {}) };
      await journal.append({
        op: 'rescue.raise-bid',
        phase: 'before',
        ids,
        details: { from: r.oldBid, to: price, minBid: r.minBid },
      });
      try {
        await ctx.client.changeBid(r.instanceId, price);
        await journal.append({ op: 'rescue.raise-bid', phase: 'after', ids, details: { from: r.oldBid, to: price } });
        raised.push({
          instanceId: r.instanceId,
          bid: price,
          ok: true,
          message: `bid of ${r.instanceId} raised to ${formatRateExact(price)}/hr; it restarts on its own disk`,
        });
      } catch (err) {
        const message = (err as Error).message;
        await journal.append({ op: 'rescue.raise-bid', phase: 'error', ids, details: { to: price, message } });
        raised.push({
          instanceId: r.instanceId,
          bid: price,
          ok: false,
          message: `raising the bid of ${r.instanceId} failed: ${message}`,
        });
      }
    }
  }
  if (values.json) printJson(values.raise ? { outbid: rows, raised } : rows);
  else {
    if (rows.length === 0) printText('no outbid instance');
    for (const r of rows) printText(describe(r, values.profile));
    for (const x of raised) x.ok ? printText(x.message) : process.stderr.write(`${x.message}\n`);
  }
  return raised.some((x) => !x.ok) ? 1 : 0;
}

function describe(r: OutbidRescue, profileName: string | undefined): string {
  const head =
    `${r.instanceId} ${sanitizeLine(r.label ?? '')}: outbid at ${formatRateExact(r.oldBid)}/hr, stopped, paying ` +
    `${formatRateExact(r.storagePerHour)}/hr storage (${formatPerDay(r.storagePerHour)}/day)`;
  const raise =
    `  raise the bid: ` +
    `${formatRateExact(r.raise.bid)}/hr` +
    `${r.minBid !== null ? ` (minimum now ${formatRateExact(r.minBid)})` : ''}` +
    `${r.raise.capped ? ', at the cap' : ''} ` +
    `→ ${formatRateExact(r.raise.totalPerHour)}/hr with storage; same disk, resumes where it was (vastdeck ` +
    `rescue ${r.instanceId} --raise)`;
  let migrate: string;
  if (!r.migrate) migrate = '  migrate: pass --profile P to price it';
  else if ('problem' in r.migrate) migrate = `  migrate: ${r.migrate.problem}`;
  else {
    const from =
      r.migrate.fromStep !== null
        ? `from checkpoint-${r.migrate.fromStep} in ${r.migrate.where}`
        : r.migrate.where
          ? `no checkpoint in ${r.migrate.where}: starts over`
          : 'the profile has no checkpoint store: starts over';
    migrate =
      `  migrate: offer ${r.migrate.offerId} (${r.migrate.numGpus}× ${r.migrate.gpuName}) at ` +
      `${formatRateExact(r.migrate.perHour)}/hr on-demand, ${from} (vastdeck migrate ${r.instanceId} --profile ` +
      `${profileName} --allow-behind)`;
  }
  return [head, raise, migrate].join('\n');
}
