/**
 * `vastdeck monitor N` and `vastdeck replenish N`: the fleet keeper (src/core/keeper) headless. Both check the
 * profile's bootstrap condition first, journal every decision, and print one stderr line per decision.
 */
import { wakeableClock } from '../../core/util/wakeable-clock.js';
import { createInterface } from 'node:readline/promises';
import { durationFlag, intFlag, numberFlag, parseCommand } from '../args.js';
import { makeContext, refuseIfReadOnly } from '../context.js';
import { fileSecretValues } from '../../core/profiles/secret-files.js';
import { printJson, printText, redact, registerSecret, UsageError, warn } from '../output.js';
import { priceFromFlags } from './provision.js';
import { downCommand } from './destroy.js';
import { resolveApiKey } from '../../core/config/apikey.js';
import { MemoryJournal } from '../../core/journal/journal.js';
import { defaultProfilesPath, loadProfile } from '../../core/profiles/load.js';
import { notifierFromConfig } from '../../core/notify/config.js';
import { ApiLogHealth } from '../../core/watch/api-health.js';
import { compileProgressCounter } from '../../core/logs/progress.js';
import { readBlacklist } from '../../core/offers/blacklist.js';
import { checkBootstrap } from '../../core/keeper/bootstrap.js';
import { FleetKeeper, type KeeperDeps, type KeeperEvent } from '../../core/keeper/keeper.js';
import { keeperActions, profileCheckpointSource } from '../../core/keeper/wiring.js';
import { defaultRules, type KeeperRules } from '../../core/keeper/policy.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { LifecycleEnforcer, memoHealth, withLifecycle } from '../../core/lifecycle/enforcer.js';
import { rulesFromProfile, rulesAreInert, describeRules } from '../../core/lifecycle/rules.js';
import { describeDecision } from './autopilot.js';
import { formatMoney, formatRateExact } from '../../core/present/money.js';

const OPTIONS = `Options:
  --fleet PREFIX        label prefix of the fleet (required); launched labels start with it
  --profile P           profile to launch from (required); --profiles FILE to read another file
  --max-dph X           most $/hr per worker: offers above it are not rented, workers above it are replaced
  --gpus LIST           only these GPU types, comma-separated as Vast spells them ("RTX 3090,RTX 4090")
  --type T, --bid PRICE|auto   as for provision (interruptible needs a bid)
  --fatal-grace DUR     replace a crashed/exited worker after this long (default 5m; "off" disables)
  --setup-timeout DUR   replace a worker running without training output this long (default 10m; off)
  --boot-timeout DUR    replace a worker stuck booting this long (default 10m; off)
  --stall DUR           replace a worker whose step has not moved this long (default 15m; off)
  --blacklist-after N   exclude a machine after N failures (default 2)
  --min-runway H        pause launches when the credit lasts less than H hours (default 1)
  --replace-unverified  destroy replaced workers even when their newest checkpoint is not verified off the host
  --dry-run             decide and print, but rent and destroy nothing
  --yes                 monitor: start without asking (it rents); without a terminal it is required
  --api-url URL, --api-key KEY, -h/--help`;

/** Help for `vastdeck monitor`. */
export const monitorHelp =
  `Usage: vastdeck monitor N --fleet PREFIX --profile P [--max-dph X] [--gpus LIST] ` +
  `[--yes] [--dry-run]

Keep N healthy workers. Checks every 60 s for the first 30 minutes, then every 10 minutes. A worker is
replaced when it crashed (after a grace), is stuck booting or in setup, stopped making progress, or costs
more than --max-dph. A machine that fails repeatedly is excluded from further searches; launches pause while
credit is below config.yaml's budget.minBalance or lasts under an hour. Workers whose newest checkpoint is not
verified off the host are kept (and reported) rather than destroyed. Before launching anything, the profile's
checkpoint store must already hold the starting weights. Every decision is journaled with its reason;
replacements are notified (bell, webhook). Ctrl-C asks whether to tear the fleet down (without a terminal it
just exits and leaves the fleet running).

${OPTIONS}`;

/** Help for `vastdeck replenish`. */
export const replenishHelp = `Usage: vastdeck replenish N --fleet PREFIX --profile P [--max-dph X] [--dry-run] [--json]

One pass of the keeper: replace what is already known to be bad (crashed or exited, stuck booting since
creation, over --max-dph) and launch workers until N are alive or starting. Stalls and stuck setups need
time to be seen: use \`vastdeck monitor\` for them.

${OPTIONS}
  --json                the decisions as JSON on stdout`;

const OPTION_SPEC = {
  fleet: { type: 'string' },
  profile: { type: 'string' },
  profiles: { type: 'string' },
  'max-dph': { type: 'string' },
  gpus: { type: 'string' },
  type: { type: 'string' },
  bid: { type: 'string' },
  'fatal-grace': { type: 'string' },
  'setup-timeout': { type: 'string' },
  'boot-timeout': { type: 'string' },
  stall: { type: 'string' },
  'blacklist-after': { type: 'string' },
  'min-runway': { type: 'string' },
  'replace-unverified': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
} as const;

/** A trigger threshold flag: a duration, or "off". */
export function thresholdFlag(text: string | undefined, flag: string, fallback: number | null): number | null {
  if (text === undefined) return fallback;
  if (text === 'off' || text === 'none') return null;
  try {
    return durationFlag(text, flag, { zero: true });
  } catch {
    throw new UsageError(`--${flag} must be a duration with a unit like 10m, or off (got "${text}")`);
  }
}

/** `vastdeck monitor`. */
export function monitorCommand(argv: string[]): Promise<number> {
  return keep(argv, 'monitor');
}

/** `vastdeck replenish`. */
export function replenishCommand(argv: string[]): Promise<number> {
  return keep(argv, 'replenish');
}

async function keep(argv: string[], mode: 'monitor' | 'replenish'): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTION_SPEC, mode);
  if (values.help) return (printText(mode === 'monitor' ? monitorHelp : replenishHelp), 0);
  if (positionals.length !== 1)
    throw new UsageError(`${mode}: give the number of workers N; see \`vastdeck ${mode} --help\``);
  const target = intFlag(positionals[0], 'N', 0, 1000)!;
  if (!values.fleet) throw new UsageError(`${mode}: --fleet PREFIX is required`);
  if (!values.profile) throw new UsageError(`${mode}: --profile P is required`);
  if (!values['dry-run']) await refuseIfReadOnly(values, `${mode} (renting and destroying)`);
  const maxDph = numberFlag(values['max-dph'], 'max-dph', 0.001, 1000);
  const gpus = values.gpus
    ?.split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  const defaults = defaultRules(target);
  const rulesOver: Partial<KeeperRules> = {
    // One deliberate pass has no earlier sighting to time a grace from: a crash seen now is acted on now.
    fatalGraceMs: thresholdFlag(values['fatal-grace'], 'fatal-grace', mode === 'replenish' ? 0 : defaults.fatalGraceMs),
    setupStuckMs: thresholdFlag(values['setup-timeout'], 'setup-timeout', defaults.setupStuckMs),
    bootStuckMs: thresholdFlag(values['boot-timeout'], 'boot-timeout', defaults.bootStuckMs),
    noProgressMs: thresholdFlag(values.stall, 'stall', defaults.noProgressMs),
    blacklistAfter: intFlag(values['blacklist-after'], 'blacklist-after', 1, 100) ?? defaults.blacklistAfter,
    minRunwayHours: numberFlag(values['min-runway'], 'min-runway', 0, 24 * 365) ?? defaults.minRunwayHours,
    ...(maxDph !== undefined ? { maxDph } : {}),
  };
  const profile = await loadProfile(values.profile, values.profiles ?? defaultProfilesPath());
  const price = priceFromFlags(values.type, values.bid, profile);
  // monitor rents for as long as it runs: the plan is confirmed once (a terminal answer or --yes), as down does.
  if (mode === 'monitor' && !values['dry-run'] && !values.yes)
    await confirmPlan(target, values.fleet, values.profile, maxDph);
  for (const ref of Object.values(profile.env))
    if (typeof ref === 'object' && 'fromEnv' in ref) registerSecret(process.env[ref.fromEnv]);
  for (const v of fileSecretValues(profile.env)) registerSecret(v);
  const ctx = await makeContext(values, ['ssh', 'journal']);
  const rules = defaultRules(target, { ...rulesOver, minBalance: ctx.config.budget?.minBalance });

  const store = profile.checkpoint ? await ctx.checkpointStore(profile.checkpoint) : null;
  const boot = await checkBootstrap(store?.reader ?? null);
  if (!boot.ok) throw new Error(`${mode}: not launching: ${boot.message}`);
  line(boot.message);

  const key = (await resolveApiKey(values['api-key']))?.key;
  const secrets = [...(key ? [key] : []), ...(store?.secrets ?? [])];
  if (ctx.config.notify?.webhook) registerSecret(ctx.config.notify.webhook);
  const dryRun = !!values['dry-run'];
  const journal = dryRun ? new MemoryJournal(secrets) : ctx.journal();
  const notifier = dryRun
    ? undefined
    : notifierFromConfig(ctx.config.notify, { bell: process.stderr.isTTY ? process.stderr : undefined, secrets });
  const pool = ctx.ssh('default');
  const clock = wakeableClock(); // a signal wakes it
  const decisions: KeeperEvent[] = [];
  // The profile's lifecycle rules apply to the fleet too: a finished or crashed worker follows them (and the
  // keeper then sees it stopped or gone) instead of counting as alive. Keeper and rules share one log read.
  const logHealth = new ApiLogHealth(ctx.client, {
    redact: secrets,
    stallAfterMs: rules.noProgressMs ?? undefined,
    counter: profile.progress && compileProgressCounter(profile.progress),
  });
  const health = memoHealth((inst) => logHealth.healthOf(inst), 30_000);
  const lifeRules = rulesFromProfile(profile.lifecycle);
  if (!rulesAreInert(lifeRules)) line(`lifecycle: ${describeRules(lifeRules)}`);
  const lifecycle = new LifecycleEnforcer(
    {
      api: ctx.client,
      journal,
      now: ctx.now,
      sleep: clock.sleep,
      health,
      source: profileCheckpointSource(profile, store, pool),
    },
    {
      rulesFor: (inst) =>
        !rulesAreInert(lifeRules) && (inst.label ?? '').startsWith(values.fleet!) ? lifeRules : null,
      dryRun,
      onEvent: (e) => e.type === 'decision' && line(describeDecision(e.result, e.dryRun)),
    },
  );
  const keeper = new FleetKeeper(
    {
      api: withLifecycle(ctx.client, lifecycle),
      journal,
      notifier,
      clock,
      health,
      ...withSavedBlacklist(
        keeperActions({
          api: ctx.client,
          journal,
          profile,
          profileName: values.profile,
          prefix: values.fleet,
          price,
          maxDph,
          gpus,
          sleep: clock.sleep,
          store,
          pool,
          allowUnverified: !!values['replace-unverified'],
        }),
      ),
    },
    { prefix: values.fleet, rules, dryRun, onEvent: (e) => (e.type === 'decision' && decisions.push(e), report(e)) },
  );
  try {
    if (mode === 'replenish') {
      await keeper.pass();
      if (values.json)
        printJson(decisions.map((d) => d.type === 'decision' && { ...d.action, result: d.result, dryRun: d.dryRun }));
      else if (decisions.length === 0) printText(`fleet ${values.fleet}: nothing to do`);
      return 0;
    }
    line(
      `keeping ${target} worker${target === 1 ? '' : 's'} of fleet ` +
        `${values.fleet}${dryRun ? ' (dry run)' : ''}; Ctrl-C to stop`,
    );
    let interrupted: NodeJS.Signals | null = null;
    const onInt = (sig: NodeJS.Signals) => {
      interrupted = sig;
      keeper.stop();
      clock.wake();
    };
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onInt);
    try {
      await keeper.run();
    } finally {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onInt);
    }
    // Interrupted: 130 (Ctrl-C) or 143 (SIGTERM) unless tearing the fleet down then failed.
    if (interrupted) {
      const code = await onStop(values.fleet, argv, dryRun);
      return code === 0 ? (interrupted === 'SIGTERM' ? 143 : 130) : code;
    }
    return 0;
  } finally {
    await ctx.close();
  }
}

/** Asks on a terminal whether to start renting; refuses without one (the caller passes --yes in scripts). */
async function confirmPlan(target: number, prefix: string, profile: string, maxDph: number | undefined): Promise<void> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new UsageError(
      'monitor rents machines: pass --yes to start it without a terminal (or --dry-run to only decide)',
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  let answer: string;
  try {
    const max = maxDph === undefined ? 'no $/hr cap' : `at most ${formatRateExact(maxDph)}/hr per worker`;
    answer = (
      await rl.question(
        `keep ${target} worker${target === 1 ? '' : 's'} of fleet ${sanitizeLine(prefix)} from profile ` +
          `${sanitizeLine(profile)} (${max}; launches pause on low credit): rents up to ${target} now and ` +
          `replacements later. Start? [y/N] `,
      )
    )
      .trim()
      .toLowerCase();
  } finally {
    rl.close();
  }
  if (answer !== 'y' && answer !== 'yes') throw new UsageError('monitor: not started');
}

/** Ctrl-C: on a terminal, offer to tear the fleet down (the safe `down`); otherwise leave it running. */
async function onStop(prefix: string, argv: string[], dryRun: boolean): Promise<number> {
  if (dryRun || !process.stdin.isTTY || !process.stderr.isTTY) {
    line(`stopped; fleet ${prefix} is left running`);
    return 0;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  let answer: string;
  try {
    answer = (
      await rl.question(
        `tear fleet ${sanitizeLine(prefix)} down (destroy every worker, checkpoints verified first)? [y/N] `,
      )
    )
      .trim()
      .toLowerCase();
  } finally {
    rl.close();
  }
  if (answer !== 'y' && answer !== 'yes') {
    line(`fleet ${prefix} is left running`);
    return 0;
  }
  const pass = ['--profile', '--profiles', '--api-url', '--api-key', '--config'];
  const forward: string[] = [];
  for (let i = 0; i < argv.length; i++)
    if (pass.includes(argv[i]!) && argv[i + 1] !== undefined) forward.push(argv[i]!, argv[++i]!);
  return downCommand([prefix, ...forward]);
}

function line(text: string): void {
  warn(redact(`[${new Date().toISOString().slice(11, 19)}] ${sanitizeLine(text)}\n`));
}

/** One stderr line per pass summary and per decision. */
function report(e: KeeperEvent): void {
  if (e.type === 'error') return line(e.message);
  if (e.type === 'wait')
    return line(
      `next check in ${Math.round((e.nextAt - e.at) / 1000)} s (Ctrl-C stops the keeper; the workers keep running)`,
    );
  if (e.type === 'pass') {
    const counts = new Map<string, number>();
    for (const w of e.workers)
      counts.set(w.health === '-' ? w.status : w.health, (counts.get(w.health === '-' ? w.status : w.health) ?? 0) + 1);
    return line(
      `${e.workers.length} workers: ` +
        `${[...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}` +
        `${e.credit !== null ? `; credit ${formatMoney(e.credit)}` : ''}`,
    );
  }
  const a = e.action;
  const who =
    a.type === 'replace' ? `replace ${a.instanceId}${a.label ? ` (${a.label})` : ''} [${a.trigger}]: ` : `${a.type}: `;
  line(`${e.dryRun ? '(dry run) ' : ''}${who}${a.reason} -> ${e.result}`);
}

/** The keeper's own blacklist plus the machines the post-boot check blacklisted (state dir), read at each launch. */
function withSavedBlacklist<T extends Pick<KeeperDeps, 'launch'>>(actions: T): T {
  const launch = actions.launch;
  return {
    ...actions,
    launch: async (count, opts) =>
      launch(count, {
        blacklist: [...new Set([...opts.blacklist, ...(await readBlacklist()).map((e) => e.machineId)])],
      }),
  };
}
