import { parseCommand } from '../args.js';
import { printText, UsageError } from '../output.js';
import { completionScript, fromHelp, SHELLS, type CompletionCommand, type Shell } from '../completion.js';

/** Help for `vastdeck completion`. */
export const completionHelp = `Usage: vastdeck completion bash|zsh|fish

Print a shell completion script for vastdeck's commands, their sub-commands and flags (made from the command
table, so it always matches this version).
  bash:  source <(vastdeck completion bash)          (or save it in ~/.local/share/bash-completion/completions/vastdeck)
  zsh:   source <(vastdeck completion zsh)           (or save it as _vastdeck in a directory on $fpath)
  fish:  vastdeck completion fish > ~/.config/fish/completions/vastdeck.fish

Options:
  -h, --help        this help`;

/** `vastdeck completion SHELL`. */
export async function completionCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, {}, 'completion');
  if (values.help) return (printText(completionHelp), 0);
  const shell = positionals[0];
  if (!shell || !(SHELLS as readonly string[]).includes(shell) || positionals.length > 1) {
    throw new UsageError(
      `completion: name one shell: ${SHELLS.join(', ')} (got ${shell ? `"${positionals.join(' ')}"` : 'none'})`,
    );
  }
  process.stdout.write(await buildCompletion(shell as Shell));
  return 0;
}

/** The script for `shell`, from main.ts's command table and each command's help. */
export async function buildCompletion(shell: Shell): Promise<string> {
  const { commandTable, VALUE_FLAGS } = await import('../main.js');
  const { tuiHelp } = await import('./tui.js');
  const commands: CompletionCommand[] = [];
  for (const [name, c] of Object.entries(commandTable()))
    commands.push(fromHelp(name, c.summary, (await c.load()).help));
  commands.push({ name: 'help', summary: 'help for vastdeck or one command', words: [], flags: [] });
  const globalFlags = [...new Set([...fromHelp('', '', tuiHelp).flags, '--version'])].sort();
  return completionScript(shell, commands, globalFlags, [...VALUE_FLAGS]);
}
