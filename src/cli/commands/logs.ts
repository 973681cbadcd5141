import { instanceId, parseCommand, intFlag } from '../args.js';
import { makeContext, type CliContext } from '../context.js';
import { printText, redact, UsageError, warn } from '../output.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { LogRing, type LogLine } from '../../core/logs/ring.js';
import { ApiLogSource } from '../../core/logs/sources/api-source.js';
import { DEFAULT_LOG_PATH } from '../../core/logs/sources/ssh-source.js';
import type { SshPool } from '../../core/ssh/pool.js';
import { shellQuote } from '../../core/ssh/quote.js';
import type { SshTarget } from '../../core/ssh/connect.js';
import { sshEndpoint } from '../../core/vast/units.js';
import type { Instance } from '../../core/vast/types.js';
import { checkKeysOnFirstUse } from '../key-check.js';

/** Help for `vastdeck logs`. */
export const logsHelp = `Usage: vastdeck logs ID [--follow] [--tail N] [--api] [--daemon] [--path FILE]

Print an instance's training log: over SSH (tail of ${DEFAULT_LOG_PATH}) when the instance is running and
reachable, else from the Vast logs API (the container's output). Text from the host is stripped of terminal
control sequences; tqdm progress redraws show their last state. An instance with no log yet is an error
(exit 1, one line saying so); --follow waits for the first lines instead.

Options:
  -f, --follow     keep printing new lines until Ctrl-C (SSH: live; API: polled every 10 s)
  --tail N         lines of backlog (default 100)
  --api            use the Vast logs API even when SSH works
  --daemon         the Vast daemon log (image pull, container start); implies --api
  --path FILE      log file on the host (default ${DEFAULT_LOG_PATH})
  --api-url URL, --api-key KEY, -h/--help`;

/** Reads the ID positional: a positive whole number, else a one-line usage error. */
export function instanceIdArg(positionals: string[], command: string): number {
  const raw = positionals[0];
  if (raw === undefined) throw new UsageError(`${command}: missing instance ID; see \`vastdeck ${command} --help\``);
  return instanceId(raw, command);
}

/** The instance's SSH target, or null while it has none (not running, no endpoint yet). */
export function sshTargetOf(inst: Instance): SshTarget | null {
  if (inst.status !== 'running') return null;
  const ep = sshEndpoint(inst);
  return ep ? { host: ep.host, port: ep.port } : null;
}

/** One note on stderr: sanitized (it may quote the host) and with secrets redacted. */
export function note(message: string): void {
  warn(`vastdeck: ${redact(sanitizeLine(message.split('\n')[0] ?? ''))}\n`);
}

/** Prints complete lines once each (a redrawn tqdm line prints when it is finished). */
class LinePrinter {
  private last = -1;
  /** Lines printed so far. */
  printed = 0;
  print(lines: readonly LogLine[]): void {
    const out: string[] = [];
    for (const l of lines) {
      if (l.partial || l.seq <= this.last) continue;
      this.last = l.seq;
      out.push(l.text);
    }
    this.printed += out.length;
    if (out.length) printText(out.join('\n'));
  }
}

/** The signal that ended a --follow, for the exit code (130 Ctrl-C, 143 SIGTERM). */
let endedBy: NodeJS.Signals | null = null;

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      endedBy = sig;
      resolve();
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

const followExit = () => (endedBy === 'SIGTERM' ? 143 : endedBy === 'SIGINT' ? 130 : 0);

async function viaSsh(pool: SshPool, target: SshTarget, path: string, tail: number, follow: boolean): Promise<void> {
  const ring = new LogRing();
  const printer = new LinePrinter();
  if (!follow) {
    const r = await pool.exec(target, `tail -n ${tail} -- ${shellQuote(path)}`, { timeoutMs: 20_000 });
    if (r.code !== 0 && r.stdout === '')
      throw new Error(
        `ssh ${target.host}:${target.port}: ${r.stderr.trim().split('\n')[0] || `tail exited ${r.code}`}`,
      );
    ring.push(r.stdout, 'ssh');
    ring.end('ssh');
    printer.print(ring.lines());
    if (printer.printed === 0) throw new Error(`${path} on the host is empty`);
    return;
  }
  const f = pool.follow(target, path, { lines: tail, reconnect: true });
  const ended = new Promise<Error | null>((resolve) => {
    f.on('end', (info) => resolve(info.reason === 'stopped' ? null : new Error(info.message)));
  });
  f.on('data', (d) => printer.print(ring.push(d, 'ssh')));
  f.on('interrupted', (m) => note(`${m}; reconnecting`));
  const stop = untilSignal().then(() => f.stop());
  const err = await ended;
  void stop;
  if (err) throw err;
}

async function viaApi(ctx: CliContext, inst: Instance, tail: number, daemon: boolean, follow: boolean): Promise<void> {
  const id = inst.id;
  if (!follow) {
    const text = await ctx.client.getLogs(id, { tail, daemon });
    if (!text.trim()) {
      const what = daemon ? 'daemon log' : 'log';
      throw new Error(
        `instance ${id} has no ${what} yet (status ${inst.status}): try again once it runs, or wait for it ` +
          `with --follow`,
      );
    }
    printText(text);
    return;
  }
  const ring = new LogRing();
  const printer = new LinePrinter();
  const src = new ApiLogSource({
    api: ctx.client,
    instanceId: id,
    ring,
    daemon,
    tail,
    onChange: () => {
      printer.print(ring.lines());
      if (src.status.state === 'error') note(`${src.status.error}; retrying`);
    },
  });
  src.start();
  await untilSignal();
  src.stop();
}

/** `vastdeck logs ID`. */
export async function logsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      follow: { type: 'boolean', short: 'f' },
      tail: { type: 'string' },
      api: { type: 'boolean' },
      daemon: { type: 'boolean' },
      path: { type: 'string' },
    },
    'logs',
  );
  if (values.help) return (printText(logsHelp), 0);
  const id = instanceIdArg(positionals, 'logs');
  const tail = intFlag(values.tail, 'tail', 1, 5000) ?? 100;
  const ctx = await makeContext(values, ['ssh']);
  const inst = await ctx.client.showInstance(id);
  const target = values.api || values.daemon ? null : sshTargetOf(inst);
  if (target) {
    await checkKeysOnFirstUse(ctx);
    // The `headless` pool: one attempt, then the API log below.
    const pool = ctx.ssh('headless');
    try {
      await viaSsh(pool, target, values.path ?? DEFAULT_LOG_PATH, tail, Boolean(values.follow));
      return followExit();
    } catch (err) {
      note(`${(err as Error).message}; showing the Vast API log instead`);
    } finally {
      await ctx.close();
    }
  }
  await viaApi(ctx, inst, tail, Boolean(values.daemon), Boolean(values.follow));
  return followExit();
}
