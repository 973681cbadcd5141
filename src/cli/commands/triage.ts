import { parseCommand } from '../args.js';
import { makeContext } from '../context.js';
import { printJson, printText } from '../output.js';
import { HealthMonitor } from '../../core/fleet/health-monitor.js';
import { HealthTracker } from '../../core/fleet/health.js';
import { buildTriage, renderTriageText } from '../../core/logs/triage.js';
import { DEFAULT_LOG_PATH } from '../../core/logs/sources/ssh-source.js';
import { LogRing } from '../../core/logs/ring.js';
import type { HostFacts } from '../../core/host/probe.js';
import { instanceIdArg, note, sshTargetOf } from './logs.js';
import { checkKeysOnFirstUse } from '../key-check.js';

/** Help for `vastdeck triage`. */
export const triageHelp = `Usage: vastdeck triage ID [--json] [--path FILE]

The facts you would check by hand on a sick instance, in one bundle: training step and rate, the last
traceback, GPU util and memory, RAM, disk, and whether the run finished. Read over SSH (the last 64 KiB of
the log plus nvidia-smi, free and df). When the host cannot be reached, the log part comes from the Vast
logs API and the command says so on stderr and exits 1; a crashed run is not an error (exit 0).

Options:
  --json         the bundle as JSON on stdout
  --path FILE    log file on the host (default ${DEFAULT_LOG_PATH})
  --api-url URL, --api-key KEY, -h/--help`;

/** `vastdeck triage ID`. */
export async function triageCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { json: { type: 'boolean' }, path: { type: 'string' } }, 'triage');
  if (values.help) return (printText(triageHelp), 0);
  const id = instanceIdArg(positionals, 'triage');
  const ctx = await makeContext(values, ['ssh']);
  const inst = await ctx.client.showInstance(id);
  const now = ctx.now(); // startedAt is on the API's clock
  let tracker: HealthTracker | undefined;
  let facts: HostFacts | undefined;
  let problem: string | undefined;
  const extraWarnings: string[] = [];
  const target = sshTargetOf(inst);
  if (target) {
    await checkKeysOnFirstUse(ctx);
    // One pass of the fleet health monitor over just this instance: the same reads and parsing as the TUI.
    const snap = { instances: [inst], statusSince: new Map<number, number>() };
    const pool = ctx.ssh('headless');
    try {
      const monitor = new HealthMonitor({
        store: { getSnapshot: () => snap, setHealth: () => {} },
        ssh: pool,
        logPath: values.path,
      });
      await monitor.pollOnce();
      const live = monitor.get(id);
      if (live?.sshError) problem = `instance ${id}: host unreachable over SSH (${live.sshError})`;
      else {
        tracker = live?.tracker;
        facts = live?.facts;
      }
    } finally {
      await ctx.close();
    }
  } else {
    extraWarnings.push(`instance is ${inst.status}: no SSH, so GPU, RAM and disk are unknown; log from the Vast API`);
  }
  if (!tracker) {
    // No SSH: the container's output from the Vast logs API still shows the step and the last traceback.
    tracker = new HealthTracker();
    tracker.setStatus(inst.status, now, inst.startedAt ?? undefined);
    try {
      const ring = new LogRing();
      ring.push((await ctx.client.getLogs(id, { tail: 1000 })) + '\n', 'api');
      tracker.feedLines(ring.lines(), now);
    } catch (err) {
      extraWarnings.push(`Vast logs API failed too: ${(err as Error).message.split('\n')[0]}`);
    }
    if (problem) extraWarnings.push('host unreachable over SSH: GPU, RAM and disk unknown; log from the Vast API');
  }
  const bundle = buildTriage({
    instanceId: id,
    label: inst.label,
    now,
    health: tracker.health(now),
    progress: tracker.progress,
    lastError: tracker.errors.lastFatal,
    traceback: tracker.errors.lastTraceback,
    finished: tracker.errors.finished !== undefined,
    host: facts,
    redact: [],
  });
  bundle.warnings.push(...extraWarnings);
  if (values.json) printJson(bundle);
  else printText(renderTriageText(bundle));
  if (problem) {
    note(problem);
    return 1;
  }
  return 0;
}
