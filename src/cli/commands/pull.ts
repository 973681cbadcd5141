/** `vastdeck pull ID [REMOTE] [LOCAL] [--exclude P]…`: rsync results back from an instance, resumable. */
import path from 'node:path';
import { intFlag, parseCommand } from '../args.js';
import { makeContext } from '../context.js';
import { printJson, printText, UsageError } from '../output.js';
import { hostConfig } from '../../core/ssh/user-config.js';
import { checkKeysOnFirstUse } from '../key-check.js';
import { pullArgv, runPull, type PullSpec } from '../../core/ops/pull.js';
import { defaultProfilesPath, loadProfile } from '../../core/profiles/load.js';
import { profileRunDir } from '../../core/checkpoints/instance.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { instanceIdArg, sshTargetOf } from './logs.js';

/** Help for `vastdeck pull`. */
export const pullHelp =
  `Usage: vastdeck pull ID [REMOTE] [LOCAL] [--exclude PATTERN]… [--bwlimit KBPS] ` +
  `[--profile P] [--print] [--json]

Copy results back from an instance with rsync over ssh (the runbook's "syncing checkpoints back"), as root on its
SSH endpoint, with vastdeck's known_hosts and key (your ~/.ssh/config applies too). Shows rsync's progress on
stderr. Resumable: partial files are kept (--partial), so running it again after Ctrl-C or a dropped link continues
where it stopped and skips what is already here.

  REMOTE   path on the instance (default: the run dir, the profile's onstart.runDir, else /workspace/run, with a
           trailing / so its contents land in LOCAL); a trailing / copies a directory's contents (rsync's rule)
  LOCAL    local directory (default ./LABEL, or ./ID for an unlabelled instance)

Options:
  --exclude PATTERN   rsync --exclude (repeatable), e.g. --exclude 'optimizer.pt'
  --bwlimit KBPS       cap the transfer (rsync --bwlimit, KiB/s)
  --profile P         profile whose onstart.runDir is the default REMOTE (--profiles FILE)
  --print             print the rsync command instead of running it
  --json              {id, remote, local, exitCode} on stdout when done
  --api-url URL, --api-key KEY, -h/--help`;

/** `vastdeck pull`. */
export async function pullCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      exclude: { type: 'string', multiple: true },
      bwlimit: { type: 'string' },
      profile: { type: 'string' },
      profiles: { type: 'string' },
      print: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    'pull',
  );
  if (values.help) return (printText(pullHelp), 0);
  if (positionals.length > 3) throw new UsageError('pull: give ID [REMOTE] [LOCAL]; see `vastdeck pull --help`');
  const id = instanceIdArg(positionals.slice(0, 1), 'pull');
  const profile = values.profile ? await loadProfile(values.profile, values.profiles ?? defaultProfilesPath()) : null;
  const ctx = await makeContext(values, ['ssh']);
  const inst = await ctx.client.showInstance(id);
  const target = sshTargetOf(inst);
  if (!target)
    throw new UsageError(`instance ${id} is ${inst.status ?? 'provisioning'}: no SSH endpoint until it is running`);
  const identity = ctx.identity();
  const label = (inst.label ?? '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[.]+/, '');
  const { user } = await hostConfig(target.host, target.port); // ~/.ssh/config's User for the host, else root
  const spec: PullSpec = {
    host: target.host,
    port: target.port,
    user,
    remote: positionals[1] ?? `${profileRunDir(profile).replace(/\/+$/, '')}/`,
    local: positionals[2] ?? `./${label || String(id)}`,
    exclude: values.exclude ?? [],
    knownHostsFile: identity.knownHostsFile,
    identityFiles: identity.identityFiles,
    bwlimitKBps: intFlag(values.bwlimit, 'bwlimit', 1, 10_000_000),
  };
  if (values.print) return (printText(['rsync', ...pullArgv(spec)].map(showArg).join(' ')), 0);
  await checkKeysOnFirstUse(ctx);
  process.stderr.write(`pulling ${sanitizeLine(spec.remote)} from instance ${id} into ${path.resolve(spec.local)}\n`);
  const tty = process.stderr.isTTY;
  let last = '';
  const r = await runPull(spec, {
    onProgress: (line) => {
      last = sanitizeLine(line);
      process.stderr.write(tty ? `\r\x1b[K${last}` : `${last}\n`);
    },
  });
  if (tty && last) process.stderr.write('\n');
  if (values.json)
    printJson({
      id,
      remote: spec.remote,
      local: path.resolve(spec.local),
      exitCode: r.exitCode,
      interrupted: r.interrupted,
    });
  if (r.exitCode === 0) {
    if (!values.json) printText(`pulled ${spec.remote} from ${id} into ${path.resolve(spec.local)}`);
    return 0;
  }
  const why = r.interrupted ? 'interrupted' : `rsync exit ${r.exitCode}${r.error ? `: ${sanitizeLine(r.error)}` : ''}`;
  throw new Error(`pull from instance ${id} ${why}; run the same command again to resume (partial files are kept)`);
}

/** A word for a copy-paste command line: quoted only when it needs to be. */
function showArg(a: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}
