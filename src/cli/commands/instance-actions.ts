/**
 * `vastdeck stop|start|reboot ID…` and `vastdeck label ID TEXT`: the TUI's instance actions, headless. Each
 * instance is looked up first (an unknown id is named, not sent), each call is journaled before and after, and
 * --json prints one result per instance. Exit 0 only when every call was accepted.
 */
import { parseCommand } from '../args.js';
import { makeContext, refuseIfReadOnly } from '../context.js';
import { printJson, printText, UsageError } from '../output.js';
import type { JournalWriter } from '../../core/journal/journal.js';
import type { VastApi } from '../../core/vast/api.js';
import type { Instance } from '../../core/vast/types.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { formatPerDay, formatRateExact } from '../../core/present/money.js';

type Verb = 'stop' | 'start' | 'reboot' | 'label';

const COMMON = `Options:
  --json           results as JSON on stdout
  --api-url URL, --api-key KEY, -h/--help`;

/** Help for `vastdeck stop`. */
export const stopHelp = `Usage: vastdeck stop ID… [--json]

Stop instances: GPU billing ends, storage keeps billing (the disk and its checkpoints stay). Journaled.

${COMMON}`;
/** Help for `vastdeck start`. */
export const startHelp = `Usage: vastdeck start ID… [--json]

Start stopped instances on the same disk (it may wait for its GPUs if someone else took them). Journaled.

${COMMON}`;
/** Help for `vastdeck reboot`. */
export const rebootHelp = `Usage: vastdeck reboot ID… [--json]

Restart instances' containers without giving up the GPUs. Journaled.

${COMMON}`;
/** Help for `vastdeck label`. */
export const labelHelp = `Usage: vastdeck label ID TEXT [--json]

Set an instance's label (at most 1024 characters). Journaled with the old label. A fleet is a label prefix, so
relabelling moves an instance into or out of a fleet.

${COMMON}`;

/** One instance's result. */
export interface ActionResult {
  instanceId: number;
  action: Verb;
  ok: boolean;
  message: string;
}

/** Does `verb` on each instance, journaled before and after; never throws for one instance's failure. */
export async function instanceAction(
  api: VastApi,
  journal: JournalWriter,
  verb: Verb,
  targets: Instance[],
  label?: string,
): Promise<ActionResult[]> {
  const out: ActionResult[] = [];
  for (const inst of targets) {
    const ids = { instanceId: inst.id, ...(inst.label ? { label: inst.label } : {}) };
    const details: Record<string, unknown> = {
      status: inst.status,
      ...(verb === 'label' ? { from: inst.label, to: label } : {}),
    };
    await journal.append({ op: `instance.${verb}`, phase: 'before', ids, details });
    try {
      if (verb === 'stop') await api.stopInstance(inst.id);
      else if (verb === 'start') await api.startInstance(inst.id);
      else if (verb === 'reboot') await api.rebootInstance(inst.id);
      else await api.labelInstance(inst.id, label!);
      await journal.append({ op: `instance.${verb}`, phase: 'after', ids, details });
      out.push({ instanceId: inst.id, action: verb, ok: true, message: done(verb, inst, label) });
    } catch (err) {
      const message = (err as Error).message;
      await journal.append({ op: `instance.${verb}`, phase: 'error', ids, details: { ...details, message } });
      out.push({ instanceId: inst.id, action: verb, ok: false, message: `${verb} of ${inst.id} failed: ${message}` });
    }
  }
  return out;
}

function done(verb: Verb, inst: Instance, label?: string): string {
  switch (verb) {
    case 'stop':
      return (
        `stopped ${inst.id}; its storage still bills ${formatRateExact(inst.storageDph)}/hr ` +
        `(${formatPerDay(inst.storageDph)}/day) until destroyed`
      );
    case 'start':
      return `starting ${inst.id}`;
    case 'reboot':
      return `rebooting ${inst.id}`;
    case 'label':
      return `label of ${inst.id} set to "${sanitizeLine(label ?? '')}"`;
  }
}

async function run(verb: Verb, argv: string[], help: string): Promise<number> {
  const { values, positionals } = parseCommand(argv, { json: { type: 'boolean' } }, verb);
  if (values.help) return (printText(help), 0);
  let label: string | undefined;
  let idArgs = positionals;
  if (verb === 'label') {
    if (positionals.length !== 2)
      throw new UsageError('label: give an instance ID and the label; see `vastdeck label --help`');
    label = positionals[1]!;
    if (label.length > 1024) throw new UsageError(`label: at most 1024 characters (got ${label.length})`);
    idArgs = [positionals[0]!];
  } else if (positionals.length === 0)
    throw new UsageError(`${verb}: give at least one instance ID; see \`vastdeck ${verb} --help\``);
  const ids = idArgs.map((p) => {
    if (!/^\d+$/.test(p)) throw new UsageError(`${verb}: "${p}" is not an instance ID`);
    return Number(p);
  });
  await refuseIfReadOnly(values, verb);
  const ctx = await makeContext(values, ['journal']);
  const all = await ctx.client.listInstances();
  const missing = ids.filter((id) => !all.some((i) => i.id === id));
  for (const id of missing) process.stderr.write(`instance ${id} is not in your account (destroyed, or a typo?)\n`);
  const targets = ids.flatMap((id) => all.filter((i) => i.id === id));
  const results = await instanceAction(ctx.client, ctx.journal(), verb, targets, label);
  if (values.json)
    printJson([
      ...results,
      ...missing.map((id) => ({
        instanceId: id,
        action: verb,
        ok: false,
        message: `instance ${id} is not in your account`,
      })),
    ]);
  else for (const r of results) r.ok ? printText(r.message) : process.stderr.write(`${r.message}\n`);
  return missing.length || results.some((r) => !r.ok) ? 1 : 0;
}

/** `vastdeck stop ID…`. */
export const stopCommand = (argv: string[]) => run('stop', argv, stopHelp);
/** `vastdeck start ID…`. */
export const startCommand = (argv: string[]) => run('start', argv, startHelp);
/** `vastdeck reboot ID…`. */
export const rebootCommand = (argv: string[]) => run('reboot', argv, rebootHelp);
/** `vastdeck label ID TEXT`. */
export const labelCommand = (argv: string[]) => run('label', argv, labelHelp);
