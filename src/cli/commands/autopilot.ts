/**
 * `vastdeck autopilot`: the headless, long-running lifecycle enforcer for a login node. Each pass lists the
 * account, finds the rules of each instance (journaled at rental by `provision`, or a --fleet's --profile),
 * reads the log health of running ones over the logs API (no SSH), and applies the policy: finish, crash,
 * maxRuntime, idle, outbid. Every decision is journaled with its reason. Sparse by default (every 5 min).
 */
import { wakeableClock } from '../../core/util/wakeable-clock.js';
import { parseCommand } from '../args.js';
import { makeContext, refuseIfReadOnly } from '../context.js';
import { printJson, printText, redact, UsageError } from '../output.js';
import { readJournal, MemoryJournal, type JournalWriter } from '../../core/journal/journal.js';
import { defaultProfilesPath, loadProfiles } from '../../core/profiles/load.js';
import type { Profile } from '../../core/profiles/schema.js';
import type { SshPool } from '../../core/ssh/index.js';
import { ApiLogHealth } from '../../core/watch/api-health.js';
import { parseDuration } from '../../core/present/durations.js';
import { LifecycleEnforcer, type EnforcedAction, type EnforcerEvent } from '../../core/lifecycle/enforcer.js';
import { rulesByInstance } from '../../core/lifecycle/journal.js';
import { describeRules, rulesFromProfile } from '../../core/lifecycle/rules.js';
import { checkpointSources, rulesFor, type RuleSources } from '../../core/lifecycle/sources.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { ruleMigrator } from '../../core/lifecycle/migrate-rule.js';
import { hostExecOver, touchHeartbeats } from '../../core/lifecycle/watchdog-arm.js';
import type { VastClient } from '../../core/vast/client.js';
import { openStore, type OpenedStore } from '../../core/checkpoints/index.js';
import path from 'node:path';

/** Help for `vastdeck autopilot`. */
export const autopilotHelp =
  `Usage: vastdeck autopilot [--fleet PREFIX --profile P] [--every DUR] ` +
  `[--once] [--dry-run] [--json]

Enforce lifecycle rules headless, for as long as it runs (a login node, a tmux pane): a finished run is stopped
or destroyed as its rule says, a run past maxRuntime is stopped, an idle GPU is stopped, an outbid interruptible
instance gets its bid raised (onOutbid: raise-bid) or is migrated from the newest checkpoint in its
profile's store to the same GPU model (onOutbid: migrate, once per instance, ` +
  `the migrate op's journal), a crashed run is left for a human unless onCrash says
otherwise. A destroy happens only when the newest checkpoint is verified off the host; otherwise the instance
is stopped instead (its disk keeps the checkpoint) and the journal says why. Rules come from the journal
(\`provision\` records each rental's rules, flags included), and for --fleet from --profile's lifecycle block.
Every decision is journaled. Ctrl-C stops it; nothing is left half-done. Each pass also writes the heartbeat
over SSH of every running rental armed with a host watchdog (lifecycle.watchdog), which stops it once stale.

Options:
  --fleet PREFIX   only instances whose label starts with PREFIX
  --profile P      apply this profile's lifecycle rules (and checkpoint store) to the --fleet's instances
  --profiles FILE  profiles file (default ${defaultProfilesPath().replace(process.env.HOME ?? '\0', '~')})
  --every DUR      time between passes (default 5m; sparse, as the runbooks advise)
  --once           one pass, then exit
  --dry-run        one pass that only prints what it would do (nothing journaled or changed), then exit
  --json           the decisions as JSON on stdout (with --once or --dry-run)
  --api-url URL, --api-key KEY, -h/--help`;

/** One stderr line per decision. */
export function describeDecision(r: EnforcedAction, dryRun: boolean): string {
  const a = r.action;
  return (
    `${dryRun ? '(dry run) ' : ''}${a.type} ${a.instanceId}${a.label ? ` (${sanitizeLine(a.label)})` : ''} ` +
    `[${a.trigger}]: ${a.reason} -> ${r.message}`
  );
}

/** `vastdeck autopilot`. */
export async function autopilotCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    argv,
    {
      fleet: { type: 'string' },
      profile: { type: 'string' },
      profiles: { type: 'string' },
      every: { type: 'string' },
      once: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    'autopilot',
  );
  if (values.help) return (printText(autopilotHelp), 0);
  if (values.profile && values.fleet === undefined)
    throw new UsageError(
      'autopilot: --profile applies to a --fleet PREFIX; give both (journaled rentals need neither)',
    );
  const everyMs = values.every === undefined ? 5 * 60_000 : parseDuration(values.every);
  if (everyMs === null || everyMs < 10_000)
    throw new UsageError(`--every must be a duration of at least 10s, like 5m (got "${values.every}")`);
  const file = values.profiles ?? defaultProfilesPath();
  const profiles =
    values.profile || values.profiles
      ? await loadProfiles(file)
      : await loadProfiles(file).catch(() => ({}) as Record<string, Profile>);
  if (values.profile && !profiles[values.profile])
    throw new UsageError(`autopilot: no profile "${values.profile}" in ${file}`);
  if (!values['dry-run']) await refuseIfReadOnly(values, 'autopilot (stopping and destroying by rule)');
  const ctx = await makeContext(values, ['ssh', 'journal']);
  const dryRun = !!values['dry-run'];
  const once = dryRun || !!values.once;
  const secrets: string[] = [];
  const journal: JournalWriter = dryRun ? new MemoryJournal(secrets) : ctx.journal();
  const onSecret = (s: string) => (ctx.addSecret(s), secrets.push(s));
  const pool = ctx.ssh('default');
  const src: RuleSources = { journalRules: new Map(), profiles, fleet: values.fleet, profile: values.profile };
  const clock = wakeableClock(); // a signal wakes it
  const health = new ApiLogHealth(ctx.client, { redact: secrets });
  const decisions: EnforcedAction[] = [];
  const enforcer = new LifecycleEnforcer(
    {
      api: ctx.client,
      journal,
      now: ctx.now,
      sleep: clock.sleep,
      health: (inst) => health.healthOf(inst),
      source: checkpointSources(src, () => pool, onSecret),
      migrate: ruleMigrator({
        api: ctx.client,
        journal,
        records: async () => (await readJournal(ctx.paths.journal)).records,
        profiles,
        profilesFile: path.resolve(file),
        profileOf: (inst) => src.journalRules.get(inst.id)?.profile ?? src.profile ?? null,
        store: (name) => {
          const cfg = profiles[name]?.checkpoint;
          if (!cfg) return null;
          const opened: OpenedStore = openStore(cfg);
          for (const x of opened.secrets) onSecret(x);
          return opened;
        },
        exec: (inst, cmd) => {
          if (!inst.sshHost || !inst.sshPort)
            return Promise.reject(new Error(`instance ${inst.id} has no SSH endpoint yet`));
          return pool.exec({ host: inst.sshHost, port: inst.sshPort }, cmd, { timeoutMs: 60_000 });
        },
        now: Date.now,
        sleep: clock.sleep,
        onEvent: (e) =>
          e.type !== 'wait' &&
          line(`migrate: ${JSON.stringify(e.type === 'step' ? `${e.index}/8 ${e.step} ${e.phase}` : e.message)}`),
      }),
    },
    { rulesFor: (inst) => rulesFor(src, inst), dryRun, onEvent: (e) => report(e, decisions) },
  );
  if (src.profile)
    line(
      `fleet ${src.fleet}: ${describeRules(rulesFromProfile(profiles[src.profile]!.lifecycle))} (profile ` +
        `${src.profile})`,
    );
  let stop = false;
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals) => ((stop = true), (signalled = sig), clock.wake());
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (!once)
      line(
        `autopilot: a pass every ${Math.round(everyMs / 1000)} ` +
          `s${src.fleet !== undefined ? ` over fleet ${src.fleet}` : ''}; Ctrl-C to stop`,
      );
    while (!stop) {
      try {
        src.journalRules = rulesByInstance((await readJournal(ctx.paths.journal)).records);
        await enforcer.pass();
        await heartbeats(ctx.client, src, pool, dryRun);
      } catch (err) {
        if (once) throw err;
        line(`pass failed, will retry: ${(err as Error).message}`);
      }
      if (once || stop) break;
      await clock.sleep(everyMs);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await ctx.close();
  }
  if (once && values.json)
    printJson(decisions.map((d) => ({ ...d.action, outcome: d.outcome, message: d.message, dryRun })));
  else if (once && decisions.length === 0) printText('nothing to do');
  if (!once) line('autopilot stopped');
  return signalled === 'SIGTERM' ? 143 : signalled === 'SIGINT' ? 130 : 0;
}

/** Touches the host watchdog's heartbeat on every running instance (of the --fleet) whose journaled rules have one. */
async function heartbeats(api: VastClient, src: RuleSources, pool: SshPool, dryRun: boolean): Promise<void> {
  const watched = new Map([...src.journalRules].filter(([, r]) => r.rules.watchdog));
  if (watched.size === 0) return;
  const instances = (await api.listInstances()).filter(
    (i) => watched.has(i.id) && (src.fleet === undefined || (i.label ?? '').startsWith(src.fleet)),
  );
  if (dryRun) {
    for (const i of instances.filter((x) => x.status === 'running'))
      line(`(dry run) would touch the watchdog heartbeat of instance ${i.id}`);
    return;
  }
  const results = await touchHeartbeats(
    instances,
    watched,
    hostExecOver(() => pool),
  );
  for (const r of results) {
    if (!r.ok)
      line(
        `watchdog heartbeat to instance ${r.instanceId} failed: ${r.error} (its watchdog stops it once the ` +
          `heartbeat is stale)`,
      );
  }
  const ok = results.filter((r) => r.ok).length;
  if (ok) line(`watchdog heartbeat sent to ${ok} instance${ok === 1 ? '' : 's'}`);
}

function report(e: EnforcerEvent, decisions: EnforcedAction[]): void {
  if (e.type === 'error') return line(e.message);
  if (e.type === 'pass') return line(`${e.watched} instance${e.watched === 1 ? '' : 's'} under rules`);
  decisions.push(e.result);
  line(describeDecision(e.result, e.dryRun));
}

function line(text: string): void {
  process.stderr.write(redact(`[${new Date().toISOString().slice(11, 19)}] ${sanitizeLine(text)}\n`));
}
