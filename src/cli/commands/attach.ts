import { execa } from 'execa';
import { parseCommand } from '../args.js';
import { makeContext } from '../context.js';
import { printText, UsageError } from '../output.js';
import { attachCommand } from '../../core/ssh/attach.js';
import { hostConfig } from '../../core/ssh/user-config.js';
import { checkKeysOnFirstUse } from '../key-check.js';
import { instanceIdArg, sshTargetOf } from './logs.js';

/** Help for `vastdeck attach`. */
export const attachHelp = `Usage: vastdeck attach ID [--session NAME] [--print]

Open the training job's tmux session on the instance (tmux attach -t train, or a new session when the
container restarted and lost it) with the system ssh, in this terminal. Detach with Ctrl-b d.
Host keys are checked against vastdeck's own known_hosts (trust on first use, a changed key is refused).

Options:
  --session NAME   tmux session (default train)
  --print          print the ssh command instead of running it
  --api-url URL, --api-key KEY, -h/--help`;

/** Help for `vastdeck ssh`. */
export const sshHelp = `Usage: vastdeck ssh ID [--print]

A plain interactive shell on the instance with the system ssh (same host-key policy as vastdeck attach).

Options:
  --print          print the ssh command instead of running it
  --api-url URL, --api-key KEY, -h/--help`;

/** A word for a copy-paste command line: quoted only when it needs to be. */
function showArg(a: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

async function run(argv: string[], mode: 'tmux' | 'shell'): Promise<number> {
  const name = mode === 'tmux' ? 'attach' : 'ssh';
  const { values, positionals } = parseCommand(argv, { print: { type: 'boolean' }, session: { type: 'string' } }, name);
  if (mode === 'shell' && values.session !== undefined) throw new UsageError('ssh: --session is for vastdeck attach');
  if (values.help) return (printText(mode === 'tmux' ? attachHelp : sshHelp), 0);
  const id = instanceIdArg(positionals, name);
  const ctx = await makeContext(values, ['ssh']);
  const inst = await ctx.client.showInstance(id);
  const target = sshTargetOf(inst);
  if (!target)
    throw new UsageError(`instance ${id} is ${inst.status ?? 'provisioning'}: no SSH endpoint until it is running`);
  const identity = ctx.identity();
  const session = values.session;
  // ~/.ssh/config: its User for this host replaces root; its IdentityFile and ProxyJump apply through ssh itself.
  const { user } = await hostConfig(target.host, target.port);
  const cmd = attachCommand({
    host: target.host,
    port: target.port,
    mode,
    session,
    user,
    knownHostsFile: identity.knownHostsFile,
    identityFiles: identity.identityFiles,
  });
  if (values.print) return (printText([cmd.file, ...cmd.args].map(showArg).join(' ')), 0);
  await checkKeysOnFirstUse(ctx);
  // No local shell: argv goes straight to ssh; the terminal is handed over (stdio inherited) until it exits.
  const r = await execa(cmd.file, cmd.args, { stdio: 'inherit', reject: false });
  if (r.failed && r.exitCode === undefined)
    throw new Error(`cannot run ssh: ${r.shortMessage ?? 'not found'} (install OpenSSH's client)`);
  return r.exitCode ?? 1;
}

/** `vastdeck attach ID`: the training tmux session over the system ssh. */
export function attachInstanceCommand(argv: string[]): Promise<number> {
  return run(argv, 'tmux');
}

/** `vastdeck ssh ID`: a plain shell over the system ssh. */
export function sshInstanceCommand(argv: string[]): Promise<number> {
  return run(argv, 'shell');
}
