/** `vastdeck ssh-config [--fleet P]`: Host entries for the instances in a managed block of ~/.ssh/config. */
import path from 'node:path';
import { parseCommand } from '../args.js';
import { makeContext } from '../context.js';
import { printJson, printText } from '../output.js';
import { homeDir } from '../../core/config/paths.js';
import { hostEntries, renderBlock, writeSshConfig } from '../../core/ssh/ssh-config.js';

/** Help for `vastdeck ssh-config`. */
export const sshConfigHelp = `Usage: vastdeck ssh-config [--fleet PREFIX] [--file FILE] [--print] [--json]

Write a Host entry per running instance (alias = its label; host, port, user root, vastdeck's key and
known_hosts) into a managed block of ~/.ssh/config, so \`ssh zeb-large-main\` and \`rsync zeb-large-main:…\` work.
Only the block between vastdeck's two marker lines is rewritten; the rest of the file is kept as it is. The block
is put first when it is new (ssh takes the first value it finds). Run it again after renting or destroying.

Options:
  --fleet PREFIX   only instances whose label starts with PREFIX
  --file FILE      the config file (default ~/.ssh/config)
  --print          print the block instead of writing it
  --json           the entries as JSON on stdout
  --api-url URL, --api-key KEY, -h/--help`;

/** `vastdeck ssh-config`. */
export async function sshConfigCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    argv,
    { fleet: { type: 'string' }, file: { type: 'string' }, print: { type: 'boolean' }, json: { type: 'boolean' } },
    'ssh-config',
  );
  if (values.help) return (printText(sshConfigHelp), 0);
  const ctx = await makeContext(values, ['ssh']);
  const prefix = values.fleet;
  const all = await ctx.client.listInstances();
  const entries = hostEntries(prefix ? all.filter((i) => (i.label ?? '').startsWith(prefix)) : all);
  const id = ctx.identity();
  const block = renderBlock(entries, { knownHostsFile: id.knownHostsFile, identityFiles: id.auth.keyPaths ?? [] });
  if (values.print) return (printText(block.trimEnd()), 0);
  const file = path.resolve(values.file ?? path.join(homeDir(), '.ssh', 'config'));
  const { created } = writeSshConfig(file, block);
  if (values.json) return (printJson({ file, entries }), 0);
  for (const e of entries) printText(`${e.alias.padEnd(28)} ${e.host}:${e.port}  (instance ${e.instanceId})`);
  printText(
    `${created ? 'created' : 'updated'} ${file}: ${entries.length} ` +
      `host${entries.length === 1 ? '' : 's'}${entries[0] ? `; try: ssh ${entries[0].alias}` : ''}`,
  );
  return 0;
}
