/**
 * vastdeck's entry point: dispatches to a headless command or opens the TUI. Every failure ends as one
 * line on stderr and a non-zero exit (unlike the official CLI, which exits 0 after HTTP errors).
 */
import { instancesCommand, instancesHelp } from './commands/instances.js';
import { offersCommand, offersHelp } from './commands/offers.js';
import { simCommand, simHelp } from './commands/sim.js';
import { tuiCommand, tuiHelp } from './commands/tui.js';
import { printText, reportError, UsageError } from './output.js';
import { VERSION } from './version.js';

type Command = { run: (argv: string[]) => Promise<number>; help: string };

const commands: Record<string, Command> = {
  instances: { run: instancesCommand, help: instancesHelp },
  offers: { run: offersCommand, help: offersHelp },
  sim: { run: simCommand, help: simHelp },
};

/** Runs vastdeck with the given arguments and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--version' || argv[0] === '-v' || argv[0] === 'version') return printText(VERSION), 0;
  const name = argv[0];
  if (name === 'help') {
    const topic = argv[1] && commands[argv[1]];
    return printText(topic ? topic.help : tuiHelp), 0;
  }
  try {
    if (name === undefined || name.startsWith('-')) return await tuiCommand(argv);
    const command = commands[name];
    if (!command) throw new UsageError(`unknown command "${name}"; commands: ${Object.keys(commands).join(', ')} (see vastdeck --help)`);
    return await command.run(argv.slice(1));
  } catch (err) {
    return reportError(err);
  }
}
