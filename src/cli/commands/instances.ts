import { parseCommand } from '../args.js';
import { makeContext } from '../context.js';
import { printJson, printText } from '../output.js';
import { renderTable, terminalWidth, type Column } from '../table.js';
import { age, gpuLabel, money } from '../format.js';
import { sshEndpoint } from '../../core/vast/units.js';
import type { Instance } from '../../core/vast/types.js';
import { instanceView } from '../../core/fleet/status.js';
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

/** The SSH command for an instance, or "–" while it has none. */
export function sshCommand(inst: Instance): string {
  const ep = sshEndpoint(inst);
  return ep ? `ssh -p ${ep.port} root@${ep.host}` : '–';
}

/** `vastdeck instances`. */
export async function instancesCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { fleet: { type: 'string' }, json: { type: 'boolean' } }, 'instances');
  if (values.help) return printText(instancesHelp), 0;
  const ctx = await makeContext(values);
  const prefix = values.fleet;
  const all = await ctx.client.listInstances();
  const rows = prefix ? all.filter((i) => (i.label ?? '').startsWith(prefix)) : all;
  rows.sort((a, b) => a.id - b.id);
  if (values.json) return printJson(rows), 0;
  if (rows.length === 0) {
    printText(prefix ? `no instances with a label starting "${prefix}" (${all.length} in the account)` : 'no instances in the account');
    return 0;
  }
  const now = serverClock(ctx.client)(); // startedAt is on the API's clock
  const columns: Column<Instance>[] = [
    { header: 'ID', cell: (i) => String(i.id), align: 'right' },
    { header: 'LABEL', cell: (i) => i.label ?? '', max: 32 },
    { header: 'GPU', cell: (i) => gpuLabel(i.numGpus, i.gpuName), max: 20 },
    // The same status and current $/hr as the TUI (instanceView): outbid at its storage rate, stuck after 10 min loading.
    { header: 'STATUS', cell: (i) => instanceView(i, now, undefined).status },
    { header: '$/HR', cell: (i) => money(instanceView(i, now, undefined).dph), align: 'right' },
    { header: 'SSH', cell: sshCommand, priority: 2 },
    { header: 'AGE', cell: (i) => age(i.startedAt, now), align: 'right', priority: 1 },
    { header: 'MESSAGE', cell: (i) => i.statusMsg ?? '', priority: 3, max: 40 },
  ];
  printText(renderTable(rows, columns, terminalWidth()));
  printText(totalLine(rows));
  return 0;
}

/** What an instance costs per hour now: its total while it runs, storage only while stopped (the $/HR column). */
function hourly(i: Instance): number {
  return i.status === 'stopped' ? i.storageDph : i.dphTotal;
}

/** The runbook status script's last line: `Total: N instances, $X/hr ($Y/day)`. */
export function totalLine(rows: readonly Instance[]): string {
  const hr = rows.reduce((s, i) => s + (Number.isFinite(hourly(i)) ? hourly(i) : 0), 0);
  return `Total: ${rows.length} instance${rows.length === 1 ? '' : 's'}, ${money(hr)}/hr (${money(hr * 24, 2)}/day)`;
}
