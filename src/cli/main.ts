/**
 * vastdeck's entry point: dispatches to a headless command or opens the TUI. Every failure ends as one
 * line on stderr and a non-zero exit (unlike the official CLI, which exits 0 after HTTP errors).
 */
import { instancesCommand, instancesHelp } from './commands/instances.js';
import { offersCommand, offersHelp } from './commands/offers.js';
import { simCommand, simHelp } from './commands/sim.js';
import { provisionCommand, provisionHelp } from './commands/provision.js';
import { envCommand, envHelp } from './commands/env.js';
import { costCommand, costHelp } from './commands/cost.js';
import { monitorCommand, monitorHelp, replenishCommand, replenishHelp } from './commands/monitor.js';
import { migrateCommand, migrateHelp } from './commands/migrate.js';
import { logsCommand, logsHelp } from './commands/logs.js';
import { triageCommand, triageHelp } from './commands/triage.js';
import { attachInstanceCommand, attachHelp, sshInstanceCommand, sshHelp } from './commands/attach.js';
import { waitCommand, waitHelp } from './commands/wait.js';
import { destroyCommand, destroyHelp, downCommand, downHelp } from './commands/destroy.js';
import { tuiCommand, tuiHelp } from './commands/tui.js';
import { printText, reportError, UsageError } from './output.js';
import { VERSION } from './version.js';

type Command = { run: (argv: string[]) => Promise<number>; help: string; summary: string };

const commands: Record<string, Command> = {
  instances: { run: instancesCommand, help: instancesHelp, summary: 'list instances' },
  offers: { run: offersCommand, help: offersHelp, summary: 'search offers, flag traps, check against a profile' },
  sim: { run: simCommand, help: simHelp, summary: 'run the Vast.ai simulator on 127.0.0.1' },
  logs: { run: logsCommand, help: logsHelp, summary: 'show or follow an instance log (SSH, else the logs API)' },
  triage: { run: triageCommand, help: triageHelp, summary: 'step, rate, traceback, GPU, RAM, disk of one instance' },
  attach: { run: attachInstanceCommand, help: attachHelp, summary: 'ssh into the train tmux session (or a new one)' },
  ssh: { run: sshInstanceCommand, help: sshHelp, summary: 'open a plain shell on an instance' },
  provision: { run: provisionCommand, help: provisionHelp, summary: 'rent an instance from a profile (never twice)' },
  env: { run: envCommand, help: envHelp, summary: 'list/set/rm Vast env vars (values masked)' },
  destroy: { run: destroyCommand, help: destroyHelp, summary: 'destroy instances, refusing unverified checkpoints' },
  down: { run: downCommand, help: downHelp, summary: 'destroy a fleet by label prefix' },
  migrate: { run: migrateCommand, help: migrateHelp, summary: 'move a run to a new host: checkpoint safe, resume, then destroy the old' },
  monitor: { run: monitorCommand, help: monitorHelp, summary: 'keep N healthy workers in a fleet (replace dead, stuck, over-price)' },
  replenish: { run: replenishCommand, help: replenishHelp, summary: 'one keeper pass over a fleet' },
  cost: { run: costCommand, help: costHelp, summary: 'burn rate, spend, runway, projections' },
  wait: { run: waitCommand, help: waitHelp, summary: 'block until crash, completion, a step, or timeout' },
};

const VALUE_FLAGS = new Set(['--api-url', '--api-key', '--config', '--theme', '--poll', '--speed', '--seed']);

/** Finds the command word, skipping global flags (and their values) that may come before it. */
export function splitCommand(argv: string[]): { name: string | undefined; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (VALUE_FLAGS.has(arg)) i++;
      continue;
    }
    return { name: arg, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { name: undefined, rest: argv };
}

/** The TUI's help followed by every command with its one-line summary. */
function generalHelp(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const list = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return `${tuiHelp}\n\nCommands (vastdeck COMMAND --help for each):\n${list.join('\n')}\n  ${'help'.padEnd(width)}  this help; help COMMAND for one command`;
}

/** Runs vastdeck with the given arguments and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--version') || argv[0] === 'version') return printText(VERSION), 0;
  const { name, rest } = splitCommand(argv);
  if (name === 'help' || (name === undefined && (rest.includes('--help') || rest.includes('-h')))) {
    const topic = name === 'help' && rest[0] ? commands[rest[0]] : undefined;
    return printText(topic ? topic.help : generalHelp()), 0;
  }
  try {
    if (name === undefined) return await tuiCommand(rest);
    const command = commands[name];
    if (!command) throw new UsageError(`unknown command "${name}"; commands: ${Object.keys(commands).join(', ')} (see vastdeck --help)`);
    return await command.run(rest);
  } catch (err) {
    return reportError(err);
  }
}
