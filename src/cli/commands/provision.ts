import { interruptible } from '../interrupt.js';
import { numberFlag, intFlag, parseCommand } from '../args.js';
import { makeContext, refuseIfReadOnly } from '../context.js';
import { fileSecretValues } from '../../core/profiles/secret-files.js';
import { printJson, printText, redact, registerSecret, UsageError, warn } from '../output.js';
import { checkOffers, checkCells } from '../../core/checks/check.js';
import { MemoryJournal } from '../../core/journal/journal.js';
import { defaultProfilesPath, loadProfile } from '../../core/profiles/load.js';
import { offerByIdQuery, profileOfferQuery } from '../../core/profiles/profile-search.js';
import { provision, type ProvisionEvent } from '../../core/ops/provision.js';
import { ProvisionError, wirePreview, type PriceChoice } from '../../core/ops/provision-request.js';
import { CREATE_DEADLINE_MS } from '../../core/ops/provision-create.js';
import type { Profile } from '../../core/profiles/schema.js';
import type { Instance } from '../../core/vast/types.js';
import { formatMbps, measureDownload } from '../../core/ops/speedtest.js';
import { sshEndpoint } from '../../core/vast/units.js';
import { runIdFromNonce } from '../../core/checkpoints/run-id.js';
import { checkHostAfterBoot, type PostBootReport } from '../../core/ops/postboot.js';
import { addToBlacklist, defaultBlacklistPath, excludeMachines, readBlacklist } from '../../core/offers/blacklist.js';
import type { SshTarget } from '../../core/ssh/connect.js';
import type { SshPool } from '../../core/ssh/pool.js';
import { applyOverrides, OverrideError } from '../../core/profiles/overrides.js';
import { ruleViolations } from '../../core/profiles/rules.js';
import { describeRules, rulesAreInert, rulesFromProfile, type LifecycleRules } from '../../core/lifecycle/rules.js';
import { recordRules } from '../../core/lifecycle/journal.js';
import { armInstanceWatchdog, watchdogSpecFor } from '../../core/lifecycle/watchdog-arm.js';
import { parseDuration } from '../../core/present/durations.js';
import { formatRateExact } from '../../core/present/money.js';

/** Help for `vastdeck provision`. */
export const provisionHelp =
  `Usage: vastdeck provision --profile P (--offer-id N | --best) [--bid PRICE|auto] ` +
  `[--dry-run] [--json]
                          [--gpu NAME] [--gpus N] [--disk GB] [--image IMG] [--branch REF] [--env K=V|K]...

Rent one instance for a profile of instance_profiles.yaml: image, disk, env, onstart and the label template
(plus a nonce in the instance's env, VASTDECK_NONCE, so the rental can always be found again). Every step is
journaled. If the create fails in any way (timeout, drop, 429, 4xx, 5xx), vastdeck lists your instances for the
nonce before anything else: it never rents twice. A rerun first finishes what an interrupted one left open.

Options:
  --profile P        profile name (required)
  --profiles FILE    profiles file (default ${defaultProfilesPath().replace(process.env.HOME ?? '\0', '~')})
  --offer-id N       rent exactly this offer (refused when the checks fail, unless --force)
  --best             search with the profile's query and rent the best offer that passes the checks;
                     a taken offer moves on to the next one
  --type T           on-demand (default) | interruptible
  --bid PRICE|auto   bid in $/hr, which makes the rental interruptible; auto = min_bid × 1.2.
                     Interruptible without a bid is an error: a null price would silently rent on-demand
  --dry-run          print the exact request (env values masked) and rent nothing
  --no-wait          return once created, without waiting for boot
  --retry-stuck      destroy an instance stuck in loading (or dead) and rent the next offer
  --no-check         skip the post-boot host check. By default, once running, the host is checked over SSH
                     against the offer and the profile (nvidia-smi GPU model, count, VRAM, driver; df; a CUDA
                     smoke test; the profile's speedtest URLs); a host that is not what was paid for is
                     destroyed, its machine blacklisted (never offered again) and the next offer rented
  --stuck-after MIN  minutes in loading before an instance counts as stuck (default 10)
  --boot-timeout MIN minutes to wait for boot at most (default 20)
  --create-deadline SEC  how long a create with no answer may still land (default 180); until then its
                     fate is "unknown — watching", and nothing is rented again
  --force            rent an --offer-id even when the checks fail

Overrides on top of the profile (the dry run shows the result; the profile's rules still apply):
  --gpu NAME         search this GPU only, e.g. H100_PCIE or "RTX 4090"
  --gpus N           GPUs per instance
  --disk GB          disk size
  --image IMG        docker image (its tag gives the CUDA version)
  --branch REF       git ref the onstart clones
  --env K=V          a plain env value (secrets are refused here); --env K reads K from your environment

Lifecycle rules (on top of the profile's lifecycle: block):
  --on-finish A      when the run finishes: stop | destroy | keep (default: the profile's lifecycle, else keep)
  --auto-shutdown    = --on-finish destroy (destroyed only after its checkpoint is verified off the host, else stopped)
  --max-runtime DUR  stop the instance once it has existed this long, e.g. 12h
  --idle PCT:DUR[:A] GPU under PCT % for DUR → A (stop | destroy; default stop), e.g. 5:20m
  --on-outbid A      keep | raise-bid | migrate (interruptible rentals)
                     The rules are journaled with the rental; \`vastdeck autopilot\`, monitor and the TUI enforce them.
                     A profile's lifecycle.watchdog also arms a watchdog on the host once it runs (an API key scoped
                     to that instance; it stops the instance when autopilot's heartbeat goes stale or after maxRuntime)
  --json             the result as JSON on stdout (progress stays on stderr)
  --api-url URL, --api-key KEY, -h/--help`;

/** Works out the price from --type and --bid, refusing any way to end up on-demand by accident. */
export function priceFromFlags(type: string | undefined, bid: string | undefined, profile: Profile): PriceChoice {
  if (type !== undefined && !['on-demand', 'ondemand', 'interruptible', 'bid'].includes(type)) {
    throw new UsageError(`--type must be on-demand or interruptible (got "${type}")`);
  }
  const wantsBid =
    type === 'interruptible' || type === 'bid' || (type === undefined && profile.search.type === 'interruptible');
  if (bid === undefined) {
    if (wantsBid)
      throw new UsageError(
        'interruptible needs a price: pass --bid PRICE ($/hr) or --bid auto (min_bid × 1.2); without one Vast ' +
          'would rent on-demand',
      );
    return { kind: 'on-demand' };
  }
  if (type === 'on-demand' || type === 'ondemand')
    throw new UsageError('--bid makes the rental interruptible; drop --type on-demand or drop --bid');
  if (bid === 'auto') return { kind: 'bid', bid: 'auto' };
  return { kind: 'bid', bid: numberFlag(bid, 'bid', 0.001, 128)! };
}

/** The rental's lifecycle rules: the profile's block, overridden by the flags. */
export function lifecycleFromFlags(
  v: { 'on-finish'?: string; 'auto-shutdown'?: boolean; 'max-runtime'?: string; idle?: string; 'on-outbid'?: string },
  profile: Profile,
): LifecycleRules {
  const r = rulesFromProfile(profile.lifecycle);
  const end = ['stop', 'destroy', 'keep'] as const;
  if (v['auto-shutdown'] && v['on-finish'] && v['on-finish'] !== 'destroy')
    throw new UsageError('--auto-shutdown means --on-finish destroy; drop one of them');
  if (v['auto-shutdown']) r.onFinish = 'destroy';
  if (v['on-finish'] !== undefined) {
    if (!(end as readonly string[]).includes(v['on-finish']))
      throw new UsageError(`--on-finish must be stop, destroy or keep (got "${v['on-finish']}")`);
    r.onFinish = v['on-finish'] as LifecycleRules['onFinish'];
  }
  if (v['max-runtime'] !== undefined) {
    const ms = parseDuration(v['max-runtime']);
    if (ms === null || ms <= 0)
      throw new UsageError(`--max-runtime must be a duration like 12h (got "${v['max-runtime']}")`);
    r.maxRuntimeMs = ms;
  }
  if (v.idle !== undefined) {
    const m = /^(\d+(?:\.\d+)?):([^:]+)(?::(stop|destroy))?$/.exec(v.idle);
    const forMs = m ? parseDuration(m[2]!) : null;
    if (!m || forMs === null || forMs <= 0 || Number(m[1]) > 100)
      throw new UsageError(`--idle must be PCT:DURATION[:stop|destroy], e.g. 5:20m (got "${v.idle}")`);
    r.idle = { gpuUtilBelow: Number(m[1]), forMs, then: (m[3] as 'stop' | 'destroy' | undefined) ?? 'stop' };
  }
  if (v['on-outbid'] !== undefined) {
    if (!['keep', 'raise-bid', 'migrate'].includes(v['on-outbid']))
      throw new UsageError(`--on-outbid must be keep, raise-bid or migrate (got "${v['on-outbid']}")`);
    r.onOutbid = v['on-outbid'] as LifecycleRules['onOutbid'];
  }
  return r;
}

/** The boot wait's countdown line: how long until it is called stuck and until vastdeck gives up. */
export function bootCountdown(id: number, elapsedMs: number, stuckAfterMs: number, timeoutMs: number): string {
  const min = (ms: number) => `${Math.max(0, Math.ceil(ms / 60_000))} min`;
  return (
    `  waiting for instance ${id} to boot: ${Math.round(elapsedMs / 1000)} s so far; stuck in ` +
    `${min(stuckAfterMs - elapsedMs)}, gives up in ${min(timeoutMs - elapsedMs)} (Ctrl-C stops waiting; the ` +
    `instance stays rented and journaled)`
  );
}

/** One progress line for stderr. */
export function describeEvent(e: ProvisionEvent): string | null {
  switch (e.type) {
    case 'request':
      return e.dryRun ? null : `renting offer ${e.offerId} as ${e.label}`;
    case 'create-failed':
      return (
        `create attempt ${e.attempt} failed: ` +
        `${e.message}${e.ambiguous ? ' (it may have gone through: checking)' : ''}`
      );
    case 'reconcile':
      return e.found
        ? `found our instance ${e.found} after all: not renting again`
        : 'no instance carries our nonce (listed after any deadline): this attempt rented nothing';
    case 'watching':
      return (
        `create on offer ${e.offerId}${e.attempt ? '' : ' (from an interrupted run)'}: unknown — watching for ` +
        `nonce ${e.nonce} until ${new Date(e.until).toISOString().slice(11, 19)} UTC`
      );
    case 'recovered':
      return e.message;
    case 'created':
      return `instance ${e.instanceId} created on offer ${e.offerId}${e.reconciled ? ' (found by reconcile)' : ''}`;
    case 'skip-offer':
      return `skipping offer ${e.offerId}: ${e.reason}`;
    case 'status':
      return (
        `instance ${e.instanceId}: ${e.status}${e.msg ? ` (${e.msg})` : ''} after ` +
        `${Math.round(e.elapsedMs / 1000)} s`
      );
    case 'boot-failed':
      return `instance ${e.instanceId} ${e.outcome} after ${Math.round(e.elapsedMs / 60_000)} min`;
    case 'destroyed':
      return `destroyed instance ${e.instanceId} (${e.reason})`;
    case 'price':
      return e.check.ok ? `billed ${formatRateExact(e.check.billed)}/hr as offered` : null;
    case 'speed':
      return e.result.bestMbps === null
        ? null
        : `download speed ${formatMbps(e.result.bestMbps)} (advertised ` +
            `${e.result.advertisedMbps === null ? '?' : formatMbps(e.result.advertisedMbps)})`;
    case 'host-check':
      return e.report.ok ? `instance ${e.instanceId}: host checked: ${hostSummary(e.report)}` : null;
    case 'host-mismatch':
      return `instance ${e.instanceId} is not what was paid for: ${e.mismatches.map((m) => m.message).join('; ')}`;
    case 'blacklisted':
      return (
        `machine ${e.machineId} blacklisted (not rented again; list in ` +
        `${defaultBlacklistPath().replace(process.env.HOME ?? '\0', '~')})`
      );
    case 'warning':
      return `warning: ${e.message}`;
  }
}

/** `vastdeck provision`. */
export async function provisionCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    argv,
    {
      profile: { type: 'string' },
      profiles: { type: 'string' },
      'offer-id': { type: 'string' },
      best: { type: 'boolean' },
      type: { type: 'string' },
      bid: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'no-wait': { type: 'boolean' },
      'retry-stuck': { type: 'boolean' },
      'stuck-after': { type: 'string' },
      'boot-timeout': { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
      'create-deadline': { type: 'string' },
      'no-check': { type: 'boolean' },
      gpu: { type: 'string' },
      gpus: { type: 'string' },
      disk: { type: 'string' },
      image: { type: 'string' },
      branch: { type: 'string' },
      env: { type: 'string', multiple: true },
      'on-finish': { type: 'string' },
      'auto-shutdown': { type: 'boolean' },
      'max-runtime': { type: 'string' },
      idle: { type: 'string' },
      'on-outbid': { type: 'string' },
    },
    'provision',
  );
  if (values.help) return (printText(provisionHelp), 0);
  if (!values.profile) throw new UsageError('provision: --profile P is required; see `vastdeck provision --help`');
  const offerId = intFlag(values['offer-id'], 'offer-id', 1, Number.MAX_SAFE_INTEGER);
  if ((offerId === undefined) === !values.best)
    throw new UsageError('provision: give exactly one of --offer-id N or --best');
  const stuckAfter = numberFlag(values['stuck-after'], 'stuck-after', 1, 24 * 60) ?? 10;
  const bootTimeout = numberFlag(values['boot-timeout'], 'boot-timeout', 1, 24 * 60) ?? Math.max(20, stuckAfter + 5);
  const createDeadline = numberFlag(values['create-deadline'], 'create-deadline', 1, 3600) ?? CREATE_DEADLINE_MS / 1000;
  if (!values['dry-run']) await refuseIfReadOnly(values, 'provision (renting)');
  const { profile, applied } = withOverrides(
    await loadProfile(values.profile, values.profiles ?? defaultProfilesPath()),
    values,
  );
  const broken = ruleViolations(profile);
  if (broken.length)
    throw new UsageError(
      `profile ${values.profile}${applied.length ? ' with these overrides' : ''} breaks its rules: ` +
        `${broken.join('; ')}`,
    );
  const price = priceFromFlags(values.type, values.bid, profile);
  const lifecycle = lifecycleFromFlags(values, profile);
  for (const ref of Object.values(profile.env))
    if (typeof ref === 'object' && 'fromEnv' in ref) registerSecret(process.env[ref.fromEnv]);
  for (const v of fileSecretValues(profile.env)) registerSecret(v);
  const type = price.kind === 'bid' ? 'interruptible' : 'on-demand';

  const ctx = await makeContext(values, ['ssh', 'journal']);
  const banned = (await readBlacklist()).map((e) => e.machineId);
  const query =
    offerId !== undefined
      ? offerByIdQuery(offerId, profile.diskGb, type)
      : excludeMachines(profileOfferQuery(profile, type), banned);
  // The server filters blacklisted machines too; an answer that ignores the filter must not get one rented.
  const offers = (await ctx.client.searchOffers(query)).filter(
    (o) => offerId !== undefined || !banned.includes(o.machineId),
  );
  const checks = checkOffers(offers, profile);
  let candidates = offers;
  if (offerId !== undefined) {
    const [offer] = offers;
    if (!offer || offer.id !== offerId)
      throw new ProvisionError('offer_taken', `offer ${offerId} is not available (rented, gone, or not rentable)`);
    const refused = ruleViolations(profile, offer);
    if (refused.length) throw new UsageError(`offer ${offerId}: ${refused.join('; ')}`);
    if (banned.includes(offer.machineId) && !values.force)
      throw new UsageError(
        `offer ${offerId} is on machine ${offer.machineId}, which is blacklisted (a host there was not what ` +
          `was paid for); pass --force to rent it anyway`,
      );
    const c = checks[0]!;
    if (c.verdict === 'fails' && !values.force)
      throw new UsageError(
        `offer ${offerId} does not suit profile ${values.profile}: ${c.summary}; pass --force to rent it anyway`,
      );
  } else {
    candidates = offers.filter((o, i) => checks[i]!.verdict !== 'fails' && ruleViolations(profile, o).length === 0);
    if (candidates.length === 0) {
      const refused = offers.map((o) => ruleViolations(profile, o)).find((v) => v.length);
      throw new ProvisionError(
        'no_offers',
        `none of ${offers.length} offers found for profile ${values.profile} passes the ` +
          `checks${refused ? ` (rules: ${refused.join('; ')})` : ''}`,
      );
    }
  }

  const journal = values['dry-run'] ? new MemoryJournal() : ctx.journal();
  // The boot wait's countdown: when it starts, then every 30 s while it sleeps.
  const boot = { id: 0, from: 0, shown: 0 };
  const progress = (e: ProvisionEvent) => {
    if (e.type === 'created') Object.assign(boot, { id: e.instanceId, from: Date.now(), shown: 0 });
    if (e.type === 'boot-failed' || (e.type === 'status' && e.status === 'running')) boot.from = 0;
    const line = describeEvent(e);
    if (line) warn(`${line}\n`);
  };
  const sleep = (ms: number) => {
    if (boot.from && Date.now() - boot.shown >= 30_000) {
      boot.shown = Date.now();
      process.stderr.write(
        `${bootCountdown(boot.id, Date.now() - boot.from, stuckAfter * 60_000, bootTimeout * 60_000)}\n`,
      );
    }
    return new Promise<void>((r) => setTimeout(r, ms));
  };
  // Ctrl-C or SIGTERM stops the boot wait at once (a create in flight settles first, bounded by its deadline): the
  // rental stays rented, the provision is closed in the journal as stopped, and the exit is 130 / 143. Again: exit now.
  const stop = interruptible('stopping the wait', (sig) => `stopped by ${sig}`);
  let result: Awaited<ReturnType<typeof provision>>;
  try {
    result = await provision(
      { api: ctx.client, journal, sleep, now: Date.now },
      {
        profile,
        profileName: values.profile,
        candidates,
        price,
        dryRun: values['dry-run'],
        nextOnTaken: values.best,
        retryStuck: values['retry-stuck'],
        wait: !values['no-wait'],
        create: { deadlineMs: createDeadline * 1000 },
        boot: { stuckAfterMs: stuckAfter * 60_000, timeoutMs: bootTimeout * 60_000, signal: stop.signal },
        onEvent: progress,
        // The post-boot check includes the profile's speed test; with --no-check the speed test runs alone.
        postBoot: values['no-check']
          ? undefined
          : (inst, offer) =>
              overSsh(ctx.ssh('provisionBoot'), inst, (exec, target) =>
                checkHostAfterBoot(exec, target, { offer, profile }),
              ),
        blacklist: async (entry) => void (await addToBlacklist(entry)),
        speedtest:
          profile.speedtest && values['no-check']
            ? (inst, offer) =>
                speedtestOverSsh(
                  ctx.ssh('provisionBoot'),
                  inst,
                  offer.inetDownMbps,
                  profile.speedtest!.urls,
                  profile.speedtest!.seconds,
                )
            : undefined,
      },
    );
  } finally {
    stop.dispose();
  }
  const signalled = stop.received;
  const interrupted = signalled === 'SIGTERM' ? 143 : 130;
  const check = checks[offers.indexOf(result.offer)];
  if (result.instanceId !== undefined && result.outcome !== 'dry-run') {
    await recordRules(journal, {
      instanceId: result.instanceId,
      label: result.label,
      runId: runIdFromNonce(result.nonce),
      profile: values.profile,
      rules: lifecycle,
    });
  }
  if (!rulesAreInert(lifecycle)) process.stderr.write(`lifecycle: ${describeRules(lifecycle)}\n`);
  let watchdog: { armed: boolean; keyId?: number; error?: string } | null = null;
  const spec =
    result.outcome === 'running' && result.instanceId !== undefined
      ? watchdogSpecFor(lifecycle, result.instanceId, ctx.baseUrl)
      : null;
  if (!spec && lifecycle.watchdog && result.outcome === 'created' && result.instanceId !== undefined) {
    watchdog = { armed: false, error: 'not running yet (--no-wait)' };
    warn(
      `warning: host watchdog NOT armed on instance ${result.instanceId}: it was not running yet (--no-wait); ` +
        `the rental stands without the guard for a closed laptop\n`,
    );
  }
  if (spec) {
    // The rental stands whatever happens here: a watchdog that cannot be armed is one warning line.
    try {
      const inst = await ctx.client.showInstance(spec.instanceId);
      const armed = await overSsh(ctx.ssh('provisionBoot'), inst, (exec, target) =>
        armInstanceWatchdog(
          {
            api: ctx.client,
            exec: (cmd) => exec(target, cmd, { timeoutMs: 30_000 }),
            journal,
            onSecret: (key) => ctx.addSecret(key),
          },
          spec,
        ),
      );
      watchdog = { armed: true, keyId: armed.keyId };
      warn(
        `instance ${spec.instanceId}: host watchdog armed (stops itself when vastdeck's heartbeat is older ` +
          `than ${spec.heartbeatMaxAgeSec} ` +
          `s${spec.maxRuntimeSec !== null ? ` or after ${spec.maxRuntimeSec} s` : ''}; \`vastdeck autopilot\` ` +
          `sends the heartbeat)\n`,
      );
    } catch (err) {
      watchdog = { armed: false, error: redact((err as Error).message.split('\n')[0] ?? '') };
      warn(
        `warning: host watchdog NOT armed on instance ${spec.instanceId}: ${watchdog.error}; the rental ` +
          `stands, without the guard for a closed laptop\n`,
      );
    }
  }
  const ok = ['dry-run', 'created', 'running'].includes(result.outcome);
  const hostCheck = result.postBoot
    ? {
        ok: result.postBoot.ok,
        mismatches: result.postBoot.mismatches,
        notes: result.postBoot.notes,
        cuda: result.postBoot.cuda,
      }
    : null;
  if (values.json) {
    printJson({
      outcome: result.outcome,
      instanceId: result.instanceId ?? null,
      offerId: result.offer.id,
      label: result.label,
      nonce: result.nonce,
      request: wirePreview(result.offer.id, result.request),
      priceCheck: result.priceCheck ?? null,
      speed: result.speed ?? result.postBoot?.speed ?? null,
      hostCheck,
      blacklisted: result.blacklisted ?? [],
      destroyed: result.destroyed,
      check: check ?? null,
      lifecycle,
      watchdog,
    });
    return result.outcome === 'stopped' ? interrupted : ok ? 0 : 1;
  }
  if (result.outcome === 'stopped') {
    printText(
      `stopped waiting: instance ${result.instanceId} stays rented ` +
        `(${formatRateExact(result.offer.dphTotal)}/hr, label ${result.label}); the journal closed the provision ` +
        `as stopped; destroy it with \`vastdeck destroy ${result.instanceId}\`, or watch it with \`vastdeck wait ` +
        `${result.instanceId}\``,
    );
    return interrupted;
  }
  if (result.outcome === 'dry-run') {
    const cells = check ? checkCells(check) : null;
    printText(
      `dry run: would rent offer ${result.offer.id} (${result.offer.numGpus}× ${result.offer.gpuName}, ` +
        `${formatRateExact(result.offer.dphTotal)}/hr)${cells?.why ? ` — ${cells.why}` : ''}`,
    );
    if (cells?.eta)
      printText(`estimate to step ${profile.targetStep}: ${cells.eta}, ${cells.cost} (${check!.estimate!.note})`);
    for (const a of applied) printText(`override ${a}`);
    if (offerId === undefined) printText(`search: ${profile.search.query || '(profile defaults)'}`);
    const w = wirePreview(result.offer.id, result.request);
    printText(`${w.method} ${w.path}\n${JSON.stringify(w.body, null, 2)}`);
    return 0;
  }
  if (result.outcome === 'running' || result.outcome === 'created') {
    printText(`${result.outcome === 'running' ? 'running' : 'created'}: instance ${result.instanceId} ${result.label}`);
    if (result.postBoot) printText(`host checked: ${hostSummary(result.postBoot)}`);
    if (result.speed)
      printText(
        result.speed.warning
          ? `warning: ${result.speed.warning}`
          : `download speed ${formatMbps(result.speed.bestMbps ?? 0)} (advertised ` +
              `${formatMbps(result.offer.inetDownMbps)})`,
      );
    return 0;
  }
  if (result.outcome === 'rejected') {
    printText(
      `no host passed the post-boot check: ${result.destroyed.length} destroyed, machines ` +
        `${(result.blacklisted ?? []).join(', ')} blacklisted; nothing is rented`,
    );
    return 1;
  }
  printText(
    `instance ${result.instanceId} ${result.outcome}: it is still rented (label ${result.label}); destroy it ` +
      `with \`vastdeck destroy ${result.instanceId}\` or rerun with --retry-stuck`,
  );
  return 1;
}

/** The profile with the command line's overrides; an override that cannot apply is a usage error naming it. */
function withOverrides(
  p: Profile,
  v: { gpu?: string; gpus?: string; disk?: string; image?: string; branch?: string; env?: string[] },
): { profile: Profile; applied: string[] } {
  try {
    return applyOverrides(p, {
      gpu: v.gpu,
      gpus: intFlag(v.gpus, 'gpus', 1, 16),
      diskGb: numberFlag(v.disk, 'disk', 8, 100_000),
      image: v.image,
      branch: v.branch,
      env: v.env,
    });
  } catch (err) {
    if (err instanceof OverrideError) throw new UsageError(err.message);
    throw err;
  }
}

/** One line on a checked host: GPUs, disk, CUDA, every URL's speed. */
export function hostSummary(r: PostBootReport): string {
  const g = r.facts?.gpus ?? [];
  const disk = r.facts?.disks[0];
  const parts = [
    g.length
      ? `${g.length}× ` +
        `${g[0]!.name}${g[0]!.memoryTotalMiB ? ` ${Math.round(g[0]!.memoryTotalMiB / 1024)} GiB` : ''}, driver ` +
        `${g[0]!.driverVersion ?? '?'}`
      : 'no GPU',
    disk ? `disk ${Math.round(disk.sizeBytes / 1e9)} GB (${Math.round(disk.availableBytes / 1e9)} GB free)` : 'disk ?',
    r.cuda.state === 'ok' ? 'CUDA ok' : r.cuda.state === 'skipped' ? 'CUDA not tested' : 'CUDA FAILED',
    ...(r.speed?.urls.map(
      (u) =>
        `${u.role === 'neutral' ? 'neutral ' : ''}${u.url} ` +
        `${u.mbps === null ? 'failed' : formatMbps(u.mbps)}${u.slow ? ' SLOW' : ''}`,
    ) ?? []),
  ];
  return parts.join(', ') + (r.notes.length ? ` (${r.notes.join('; ')})` : '');
}

/**
 * Runs `fn` over SSH to a freshly booted instance, through the `provisionBoot` pool (a new host's sshd may need a
 * few tries: reconnect backs off); the connection is closed after.
 */
async function overSsh<T>(
  pool: SshPool,
  inst: Instance,
  fn: (
    exec: (t: SshTarget, cmd: string, o?: { timeoutMs?: number; maxBytes?: number }) => ReturnType<SshPool['exec']>,
    target: SshTarget,
  ) => Promise<T>,
): Promise<T> {
  const ep = sshEndpoint(inst);
  if (!ep) throw new Error('no SSH endpoint');
  const target = { host: ep.host, port: ep.port };
  try {
    await pool.reconnect(target);
    return await fn((t, cmd, o) => pool.exec(t, cmd, o), target);
  } finally {
    await pool.drop(target);
  }
}

/** The post-boot download test over SSH (a fresh host may need a few tries). */
function speedtestOverSsh(pool: SshPool, inst: Instance, advertisedMbps: number, urls: string[], seconds: number) {
  return overSsh(pool, inst, (exec, target) => measureDownload(exec, target, urls, { advertisedMbps, seconds }));
}
