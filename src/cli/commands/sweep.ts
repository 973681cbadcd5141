/**
 * `vastdeck sweep`: what bills unwatched — instances no fleet and no journal record owns, and stopped instances
 * still paying for storage — with $ so far and $/day. `--destroy` hands them to `vastdeck destroy` (the safe
 * destroy: each checkpoint verified first, unverified ones refused unless forced).
 */
import { parseCommand } from '../args.js';
import { makeContext, refuseIfReadOnly } from '../context.js';
import { printJson, printText, UsageError } from '../output.js';
import { readJournal } from '../../core/journal/journal.js';
import { ownersFrom, sweep, type SweepRow } from '../../core/lifecycle/sweep.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { destroyCommand } from './destroy.js';
import { formatMoney } from '../../core/present/money.js';

/** Help for `vastdeck sweep`. */
export const sweepHelp = `Usage: vastdeck sweep [--fleet PREFIX]… [--destroy [--profile P] [--yes|--force]] [--json]

List every instance that bills without anyone watching it: instances that no fleet and no journal record owns
(created by hand, by another tool, or before the journal), and stopped instances that still pay for their disk.
Each with its $ so far and $/day. Owned = named in vastdeck's journal (rented, destroyed, migrated, kept), its
label carries a journaled nonce, or its label starts with a fleet prefix (from the journal or --fleet).

Options:
  --fleet PREFIX   also count instances labelled PREFIX* as owned (repeatable)
  --unowned        only the unowned ones (not every stopped one)
  --destroy        destroy what is listed, through \`vastdeck destroy\` (checkpoints verified first; unverified
                   ones are refused unless --force or the label is typed at the prompt)
  --profile P, --profiles FILE, --yes, --force   passed to destroy
  --json           the rows as JSON on stdout
  --api-url URL, --api-key KEY, -h/--help`;

const FUTURE_SLACK_MS = 30 * 86_400_000;

/** `vastdeck sweep`. */
export async function sweepCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    argv,
    {
      fleet: { type: 'string', multiple: true },
      unowned: { type: 'boolean' },
      destroy: { type: 'boolean' },
      profile: { type: 'string' },
      profiles: { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    'sweep',
  );
  if (values.help) return (printText(sweepHelp), 0);
  if (!values.destroy && (values.yes || values.force || values.profile))
    throw new UsageError('sweep: --yes, --force and --profile go with --destroy');
  if (values.destroy) await refuseIfReadOnly(values, 'sweep --destroy');
  const ctx = await makeContext(values);
  const all = await ctx.client.listInstances();
  const owners = ownersFrom((await readJournal(ctx.paths.journal)).records, values.fleet ?? []);
  const now = ctx.now(); // startedAt and charges are on the API's clock
  const from = Math.min(now, ...all.map((i) => i.startedAt ?? now)) - 86_400_000;
  const charges = all.length ? await ctx.client.charges(from, now + FUTURE_SLACK_MS) : [];
  let rows = sweep(all, owners, charges);
  if (values.unowned) rows = rows.filter((r) => r.reasons.includes('unowned'));
  if (values.json && !values.destroy) printJson(rows);
  else show(rows, values.destroy ? (t) => process.stderr.write(t + '\n') : printText);
  if (!values.destroy || rows.length === 0) return 0;
  const pass: string[] = [];
  for (const k of ['profile', 'profiles', 'api-url', 'api-key', 'config'] as const)
    if (values[k]) pass.push(`--${k}`, values[k]!);
  if (values.yes) pass.push('--yes');
  if (values.force) pass.push('--force');
  if (values.json) pass.push('--json');
  return destroyCommand([...rows.map((r) => String(r.instanceId)), ...pass]);
}

function show(rows: SweepRow[], out: (t: string) => void): void {
  if (rows.length === 0) return out('nothing bills unwatched: every instance is owned, none is stopped');
  const total = rows.reduce((s, r) => s + r.perDay, 0);
  out(`${rows.length} instance${rows.length === 1 ? '' : 's'} billing unwatched, ${formatMoney(total)}/day:`);
  for (const r of rows) {
    const why = r.reasons
      .map((x) => (x === 'unowned' ? 'no fleet or journal record owns it' : 'stopped, still paying storage'))
      .join('; ');
    out(
      `  ${r.instanceId}  ${sanitizeLine(r.label ?? '-')}  ${r.status}  ${formatMoney(r.spent)} so far  ` +
        `${formatMoney(r.perDay)}/day  (${why})`,
    );
  }
}
