/**
 * vastdeck's entry point: dispatches to a headless command or opens the TUI. Every failure ends as one
 * line on stderr and a non-zero exit (unlike the official CLI, which exits 0 after HTTP errors).
 */
import { exitStatusHelp, printText, reportError, UsageError } from './output.js';
import { VERSION } from './version.js';
import type { MigrateHooks } from './commands/migrate.js';

/**
 * Fault hooks injected by a test harness (test/helpers/cli-hooks.ts runs main() with them in a child process);
 * the real entry (entry.ts) passes none.
 */
export interface FaultHooks {
  migrate?: MigrateHooks;
}

/** A command's run: its arguments, and the fault hooks (only a test harness sets any). */
type Run = (argv: string[], hooks: FaultHooks) => Promise<number>;

/**
 * A command: its one-line summary, and a loader for its module (loaded only when it runs, for start-up time).
 * Adding a command is its module under commands/ (a run function and a help text, services from makeContext in
 * context.ts) and one row here; `help`, the exit-code table and the completion scripts follow from the row.
 */
type Command = { summary: string; load: () => Promise<{ run: Run; help: string }> };

const commands: Record<string, Command> = {
  instances: {
    summary: 'list instances',
    load: () => import('./commands/instances.js').then((m) => ({ run: m.instancesCommand, help: m.instancesHelp })),
  },
  offers: {
    summary: 'search offers, flag traps, check against a profile',
    load: () => import('./commands/offers.js').then((m) => ({ run: m.offersCommand, help: m.offersHelp })),
  },
  sim: {
    summary: 'run the Vast.ai simulator on 127.0.0.1',
    load: () => import('./commands/sim.js').then((m) => ({ run: m.simCommand, help: m.simHelp })),
  },
  logs: {
    summary: 'show or follow an instance log (SSH, else the logs API)',
    load: () => import('./commands/logs.js').then((m) => ({ run: m.logsCommand, help: m.logsHelp })),
  },
  show: {
    summary: "one instance's details (the TUI's detail pane)",
    load: () => import('./commands/show.js').then((m) => ({ run: m.showCommand, help: m.showHelp })),
  },
  triage: {
    summary: 'step, rate, traceback, GPU, RAM, disk of one instance',
    load: () => import('./commands/triage.js').then((m) => ({ run: m.triageCommand, help: m.triageHelp })),
  },
  attach: {
    summary: 'ssh into the train tmux session (or a new one)',
    load: () => import('./commands/attach.js').then((m) => ({ run: m.attachInstanceCommand, help: m.attachHelp })),
  },
  ssh: {
    summary: 'open a plain shell on an instance',
    load: () => import('./commands/attach.js').then((m) => ({ run: m.sshInstanceCommand, help: m.sshHelp })),
  },
  provision: {
    summary: 'rent an instance from a profile (never twice)',
    load: () => import('./commands/provision.js').then((m) => ({ run: m.provisionCommand, help: m.provisionHelp })),
  },
  env: {
    summary: 'list/set/rm Vast env vars (values masked)',
    load: () => import('./commands/env.js').then((m) => ({ run: m.envCommand, help: m.envHelp })),
  },
  destroy: {
    summary: 'destroy instances, refusing unverified checkpoints',
    load: () => import('./commands/destroy.js').then((m) => ({ run: m.destroyCommand, help: m.destroyHelp })),
  },
  down: {
    summary: 'destroy a fleet by label prefix',
    load: () => import('./commands/destroy.js').then((m) => ({ run: m.downCommand, help: m.downHelp })),
  },
  migrate: {
    summary: 'move a run to a new host: checkpoint safe, resume, then destroy the old',
    load: () =>
      import('./commands/migrate.js').then((m) => ({
        run: (argv, hooks) => m.migrateCommand(argv, hooks.migrate),
        help: m.migrateHelp,
      })),
  },
  monitor: {
    summary: 'keep N healthy workers in a fleet (replace dead, stuck, over-price)',
    load: () => import('./commands/monitor.js').then((m) => ({ run: m.monitorCommand, help: m.monitorHelp })),
  },
  replenish: {
    summary: 'one keeper pass over a fleet',
    load: () => import('./commands/monitor.js').then((m) => ({ run: m.replenishCommand, help: m.replenishHelp })),
  },
  cost: {
    summary: 'burn rate, spend, runway, projections',
    load: () => import('./commands/cost.js').then((m) => ({ run: m.costCommand, help: m.costHelp })),
  },
  wait: {
    summary: 'block until crash, completion, a step, or timeout',
    load: () => import('./commands/wait.js').then((m) => ({ run: m.waitCommand, help: m.waitHelp })),
  },
  pull: {
    summary: 'rsync results back from an instance (resumable, with progress)',
    load: () => import('./commands/pull.js').then((m) => ({ run: m.pullCommand, help: m.pullHelp })),
  },
  'ssh-config': {
    summary: 'write Host entries (label → host, port, key) into a managed block of ~/.ssh/config',
    load: () => import('./commands/ssh-config.js').then((m) => ({ run: m.sshConfigCommand, help: m.sshConfigHelp })),
  },
  keys: {
    summary: 'SSH keys on the Vast account: list, add (and attach to running), attach ID',
    load: () => import('./commands/keys.js').then((m) => ({ run: m.keysCommand, help: m.keysHelp })),
  },
  journal: {
    summary: 'what was rented, destroyed and migrated, and what it cost',
    load: () =>
      import('./commands/journal.js').then((m) => ({
        run: (argv: string[]) => m.journalCommand(argv),
        help: m.journalHelp,
      })),
  },
  completion: {
    summary: 'print a bash, zsh or fish completion script',
    load: () => import('./commands/completion.js').then((m) => ({ run: m.completionCommand, help: m.completionHelp })),
  },
  stop: {
    summary: 'stop instances (storage keeps billing)',
    load: () => import('./commands/instance-actions.js').then((m) => ({ run: m.stopCommand, help: m.stopHelp })),
  },
  start: {
    summary: 'start stopped instances',
    load: () => import('./commands/instance-actions.js').then((m) => ({ run: m.startCommand, help: m.startHelp })),
  },
  reboot: {
    summary: 'restart instances without giving up the GPUs',
    load: () => import('./commands/instance-actions.js').then((m) => ({ run: m.rebootCommand, help: m.rebootHelp })),
  },
  label: {
    summary: 'set an instance label',
    load: () => import('./commands/instance-actions.js').then((m) => ({ run: m.labelCommand, help: m.labelHelp })),
  },
  autopilot: {
    summary: 'enforce lifecycle rules headless: finish, maxRuntime, idle, outbid',
    load: () => import('./commands/autopilot.js').then((m) => ({ run: m.autopilotCommand, help: m.autopilotHelp })),
  },
  sweep: {
    summary: 'instances billing unwatched (unowned, or stopped and paying storage)',
    load: () => import('./commands/sweep.js').then((m) => ({ run: m.sweepCommand, help: m.sweepHelp })),
  },
  rescue: {
    summary: 'outbid instances: raise the bid in place or migrate, with prices',
    load: () => import('./commands/rescue.js').then((m) => ({ run: m.rescueCommand, help: m.rescueHelp })),
  },
};

/** The command table (completion scripts are generated from it). */
export function commandTable(): Readonly<Record<string, Command>> {
  return commands;
}

/** Global flags that take a value (the word after them is not a command). */
export const VALUE_FLAGS = new Set(['--api-url', '--api-key', '--config', '--theme', '--poll', '--speed', '--seed']);

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
async function generalHelp(): Promise<string> {
  const { tuiHelp } = await import('./commands/tui.js');
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const list = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return withExitStatus(
    `${tuiHelp}\n\nCommands (vastdeck COMMAND --help for each):\n${list.join('\n')}\n  ` +
      `${'help'.padEnd(width)}  this help; help COMMAND for one command`,
  );
}

/** A help text ending in the exit-code table (once: wait's help has its own, with its outcome codes). */
function withExitStatus(help: string): string {
  return help.includes('Exit status:') ? help : `${help}\n\n${exitStatusHelp()}`;
}

/** Whether a command's arguments ask for help (before any `--`). */
function asksHelp(rest: string[]): boolean {
  const end = rest.indexOf('--');
  return (end < 0 ? rest : rest.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** Runs vastdeck with the given arguments and resolves to the exit code. */
export async function main(argv: string[], opts: { hooks?: FaultHooks } = {}): Promise<number> {
  if (argv.includes('--version') || argv[0] === 'version') return (printText(VERSION), 0);
  const { name, rest } = splitCommand(argv);
  if (name === 'help' || (name === undefined && (rest.includes('--help') || rest.includes('-h')))) {
    const topic = name === 'help' && rest[0] ? commands[rest[0]] : undefined;
    return (printText(topic ? withExitStatus((await topic.load()).help) : await generalHelp()), 0);
  }
  try {
    if (name === undefined) return await (await import('./commands/tui.js')).tuiCommand(rest);
    const command = commands[name];
    if (!command)
      throw new UsageError(
        `unknown command "${name}"; commands: ${Object.keys(commands).join(', ')} (see vastdeck --help)`,
      );
    const loaded = await command.load();
    if (asksHelp(rest)) return (printText(withExitStatus(loaded.help)), 0);
    return await loaded.run(rest, opts.hooks ?? {});
  } catch (err) {
    return reportError(err);
  }
}
