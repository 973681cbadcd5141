import { parseCommand } from '../args.js';
import { makeContext } from '../context.js';
import { printJson, printText } from '../output.js';
import { renderTable, terminalWidth } from '../table.js';
import type { Instance } from '../../core/vast/types.js';
import { FLEET_COLUMNS, fleetRow } from '../../core/present/fleet-columns.js';
import { formatPerDay, formatRateExact } from '../../core/present/money.js';
import { serverClock } from '../../core/vast/server-clock.js';

/** Help for `vastdeck instances`. */
export const instancesHelp = `Usage: vastdeck instances [--fleet PREFIX] [--json]

List your instances (every page of GET /api/v1/instances/). The table ends with the total:
Total: N instances, $X/hr ($Y/day) (stopped instances count their storage only).

Options:
  --fleet PREFIX   only instances whose label starts with PREFIX (e.g. zeb-large)
  --json           clean JSON on stdout (units converted: GB, Mbps, $/hr, epoch ms)
  --api-url URL    API base URL (default VAST_URL or https://console.vast.ai)
  --api-key KEY    API key (default VAST_API_KEY, ~/.config/vastai/vast_api_key)
  -h, --help       this help`;

/** `vastdeck instances`. */
export async function instancesCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { fleet: { type: 'string' }, json: { type: 'boolean' } }, 'instances');
  if (values.help) return (printText(instancesHelp), 0);
  const ctx = await makeContext(values);
  const prefix = values.fleet;
  const all = await ctx.client.listInstances();
  const rows = prefix ? all.filter((i) => (i.label ?? '').startsWith(prefix)) : all;
  rows.sort((a, b) => a.id - b.id);
  if (values.json) return (printJson(rows), 0);
  if (rows.length === 0) {
    printText(
      prefix
        ? `no instances with a label starting "${prefix}" (${all.length} in the account)`
        : 'no instances in the account',
    );
    return 0;
  }
  const now = serverClock(ctx.client)(); // startedAt is on the API's clock
  // The fleet columns the TUI shows (core/present/fleet-columns.ts): the same status and current $/hr
  // (instanceView: outbid at its storage rate, stuck after 10 min loading), age and SSH command.
  const fleet = rows.map((i) => fleetRow(i, now, undefined, undefined));
  printText(renderTable(fleet, FLEET_COLUMNS, terminalWidth()));
  printText(totalLine(rows));
  return 0;
}

/** What an instance costs per hour by the runbook status script's rule: its total unless stopped, then storage. */
function hourly(i: Instance): number {
  return i.status === 'stopped' ? i.storageDph : i.dphTotal;
}

/**
 * The runbook status script's last line: `Total: N instances, $X/hr ($Y/day)`. Its rule (full price unless
 * stopped) differs from the $/HR column's (storage only unless running or frozen) for loading and exited rows.
 */
export function totalLine(rows: readonly Instance[]): string {
  const hr = rows.reduce((s, i) => s + (Number.isFinite(hourly(i)) ? hourly(i) : 0), 0);
  return (
    `Total: ${rows.length} instance${rows.length === 1 ? '' : 's'}, ${formatRateExact(hr)}/hr ` +
    `(${formatPerDay(hr)}/day)`
  );
}
