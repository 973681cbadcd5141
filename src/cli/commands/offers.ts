import { intFlag, numberFlag, parseCommand } from '../args.js';
import { makeContext } from '../context.js';
import { printJson, printText, UsageError, warn } from '../output.js';
import { renderTable, terminalWidth } from '../table.js';
import { offerColumns, offerRow } from '../../core/present/offer-columns.js';
import { defaultOfferQuery, parseOfferQuery, parseOrder, type OfferQuery } from '../../core/vast/offer-query.js';
import { checkOffers } from '../../core/checks/check.js';
import { defaultProfilesPath, loadProfile } from '../../core/profiles/load.js';
import { profileOfferQuery } from '../../core/profiles/profile-search.js';
import { defaultBlacklistPath, excludeMachines, readBlacklist } from '../../core/offers/blacklist.js';
import type { Profile } from '../../core/profiles/schema.js';

/** Help for `vastdeck offers`. */
export const offersHelp =
  `Usage: vastdeck offers [QUERY] [--profile P] [--order F] [--limit N] [--type T] ` +
  `[--storage GB] [--json]

Search rentable offers. QUERY uses the official CLI's syntax, e.g.
  vastdeck offers 'num_gpus>=4 gpu_ram>=20 gpu_name=RTX_3090 inet_down>=500 reliability>0.98'
GB for gpu_ram/cpu_ram, days for duration, _ for spaces in names, field=any drops a default filter
(defaults: verified=true external=false rentable=true).

Every offer is checked for the traps operators hit (slow internet, little system RAM behind big GPUs, tiny
disk, low reliability, old CUDA): FIT is ok / warn / FAIL with the reason. With --profile the checks use the
profile's needs and add an ETA and cost estimate to its target step.

Options:
  --profile P      check offers against profile P of instance_profiles.yaml (and search with its defaults)
  --profiles FILE  profiles file (default ~/.config/vastdeck/instance_profiles.yaml)
  --order F        sort fields, comma separated, "-" suffix for descending (default score-)
  --limit N        at most N offers (default 64)
  --type T         on-demand | interruptible (bid) | reserved (default on-demand)
  --storage GB     disk to price the offers with (default 5)
  --json           clean JSON on stdout (units converted: GB, Mbps, $/hr)
  --api-url URL, --api-key KEY, -h/--help`;

const TYPES: Record<string, OfferQuery['type']> = {
  'on-demand': 'on-demand',
  ondemand: 'on-demand',
  interruptible: 'bid',
  bid: 'bid',
  reserved: 'reserved',
};

/** Builds the offer query from the command's positionals and flags. */
export function offersQueryFromArgs(
  positionals: string[],
  values: { order?: string; limit?: string; type?: string; storage?: string },
  profile?: Profile | null,
): OfferQuery {
  let q = profile ? profileOfferQuery(profile) : defaultOfferQuery();
  if (positionals.length) q = parseOfferQuery(positionals.join(' '), q);
  if (values.order) q.order = parseOrder(values.order);
  q.limit = intFlag(values.limit, 'limit', 1, 10000) ?? q.limit ?? 64;
  if (values.type) {
    const t = TYPES[values.type];
    if (!t) throw new UsageError(`--type must be on-demand, interruptible or reserved (got "${values.type}")`);
    q.type = t;
  }
  q.allocatedStorageGb = numberFlag(values.storage, 'storage', 1, 100000) ?? q.allocatedStorageGb;
  return q;
}

/** `vastdeck offers`. */
export async function offersCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      profile: { type: 'string' },
      profiles: { type: 'string' },
      order: { type: 'string', short: 'o' },
      limit: { type: 'string' },
      type: { type: 'string' },
      storage: { type: 'string' },
      json: { type: 'boolean' },
    },
    'offers',
  );
  if (values.help) return (printText(offersHelp), 0);
  const profile = values.profile ? await loadProfile(values.profile, values.profiles ?? defaultProfilesPath()) : null;
  const banned = (await readBlacklist()).map((e) => e.machineId);
  const query = excludeMachines(offersQueryFromArgs(positionals, values, profile), banned);
  const ctx = await makeContext(values);
  const found = await ctx.client.searchOffers(query);
  // Machines whose host was not what was paid for (post-boot check) are never offered again.
  const offers = found.filter((o) => !banned.includes(o.machineId));
  const checks = checkOffers(offers, profile);
  const checked = offers.map((offer, k) => ({ offer, check: checks[k]! }));
  if (values.json) return (printJson(checked.map(({ offer, check }) => ({ ...offer, check }))), 0);
  if (offers.length === 0) return (printText('no offers match'), 0);
  // The offer browser's columns (core/present/offer-columns.ts); ETA and COST with a profile.
  const rows = checked.map(({ offer, check }) => offerRow(offer, check));
  printText(renderTable(rows, offerColumns(!!profile), terminalWidth()));
  warn(
    `${offers.length} offers (Mbps for ` +
      `DOWN/UP)` +
      (banned.length
        ? `; ${banned.length} blacklisted machine${banned.length > 1 ? 's' : ''} left out ` +
          `(${defaultBlacklistPath().replace(process.env.HOME ?? '\0', '~')})`
        : '') +
      `\n`,
  );
  return 0;
}
