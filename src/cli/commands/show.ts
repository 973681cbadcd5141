/** `vastdeck show ID [--json]`: one instance's details, the fields of the TUI's detail pane. */
import { instanceId, parseCommand } from '../args.js';
import { makeContext } from '../context.js';
import { printJson, printText, UsageError } from '../output.js';
import { ageSince, formatGpu, formatNum, sshCommand, statusAndPrice } from '../../core/present/index.js';
import { STATUS } from '../../core/fleet/status.js';
import type { Instance } from '../../core/vast/types.js';

/** Help for `vastdeck show`. */
export const showHelp = `Usage: vastdeck show ID [--json]

One instance's details, as the TUI's detail pane shows them: label, status (the same status as the fleet
table, stuck and outbid included), GPU, current $/hr (storage only while stopped), the SSH command, age,
machine and host, disk, image, location, CUDA and driver, and Vast's status message. Env var values are
never shown, only their names.

Options:
  --json           the instance as JSON on stdout (as \`instances --json\`), plus "displayStatus" and "currentDph"
  --api-url URL, --api-key KEY, -h/--help`;

/** The lines of `show`, label and value (pure; remote text is sanitized by printText). */
export function showLines(inst: Instance, now: number): [string, string][] {
  const view = statusAndPrice(inst, now, undefined);
  return [
    ['id', String(inst.id)],
    ['label', inst.label ?? '–'],
    ['status', STATUS[view.status].label],
    ['GPU', formatGpu(inst.numGpus, inst.gpuName)],
    ['$/hr', `${view.price}${view.billing === 'storage' ? ' (storage)' : ''}`],
    ['ssh', sshCommand(inst) ?? '–'],
    ['age', ageSince(inst.startedAt, now)],
    ['machine', `${inst.machineId ?? '–'} (host ${inst.hostId ?? '–'})${inst.verified ? ' verified' : ''}`],
    ['disk', `${formatNum(inst.diskUsedGb, 1)} / ${formatNum(inst.diskGb, 0)} GB`],
    ['image', inst.image || '–'],
    ['location', inst.geolocation || '–'],
    ['CUDA', `${formatNum(inst.cudaMaxGood, 1)}  driver ${inst.driverVersion || '–'}`],
    ['env', inst.envKeys.length ? inst.envKeys.join(' ') : '–'],
    ['message', inst.statusMsg || '–'],
  ];
}

/** `vastdeck show ID`. */
export async function showCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { json: { type: 'boolean' } }, 'show');
  if (values.help) return (printText(showHelp), 0);
  if (positionals.length !== 1) throw new UsageError('show: give one instance ID; see `vastdeck show --help`');
  const id = instanceId(positionals[0]!, 'show');
  const ctx = await makeContext(values);
  const inst = await ctx.api.showInstance(id);
  const now = ctx.now(); // startedAt is on the API's clock
  if (values.json) {
    const view = statusAndPrice(inst, now, undefined);
    return (printJson({ ...inst, displayStatus: view.status, currentDph: view.dph }), 0);
  }
  const lines = showLines(inst, now);
  const width = Math.max(...lines.map(([k]) => k.length));
  printText(lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'));
  return 0;
}
