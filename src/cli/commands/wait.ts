import { durationFlag, instanceId, intFlag, parseCommand } from '../args.js';
import { makeContext } from '../context.js';
import { exitStatusHelp, printJson, printText, redact, registerSecret, UsageError, warn } from '../output.js';
import { resolveApiKey } from '../../core/config/apikey.js';
import { renderTriageText } from '../../core/logs/triage.js';
import { notifierFromConfig } from '../../core/notify/config.js';
import { ApiLogHealth } from '../../core/watch/api-health.js';
import { compileProgressCounter } from '../../core/logs/progress.js';
import { waitValidation } from '../../core/watch/validate.js';
import { defaultProfilesPath, loadProfile } from '../../core/profiles/load.js';
import {
  waitFor,
  WAIT_DEFAULT_EVERY_MS,
  WAIT_EXIT,
  WAIT_INVALID_EXIT,
  WAIT_MIN_EVERY_MS,
  type WaitEvent,
} from '../../core/watch/wait.js';

/** Help for `vastdeck wait`. */
export const waitHelp =
  `Usage: vastdeck wait ID | --fleet PREFIX [--timeout 8h] [--every 5m] [--until STEP] ` +
  `[--profile P] [--json]

Block until a training run crashes, completes, reaches a step, disappears, or the time runs out; then
notify (terminal bell / tmux alert, and the webhook in config.yaml's notify: section) and exit.
Health is read from the run's log through the Vast logs API; nothing is installed on the host.
A stall, or a breach of config.yaml's budget: rules, is notified once and waiting goes on.

Options:
  --fleet PREFIX   watch every instance whose label starts with PREFIX (crash of any; completion of all)
  --timeout DUR    give up after this long, e.g. 90m, 8h, 2d (default 8h)
  --every DUR      poll interval (default 5m, at least 30s)
  --until STEP     return once the run (every run, with --fleet) reached this step (or, with a profile
                   that names its progress counter, this count: --until 100000 with total_games=(d+))
  --profile P      read progress the profile's way (progress: {pattern, rate, unit}); --profiles FILE
  --validate       judge the profile's validation window instead (validate: {within: 10m, minSteps: 50,
                   loss: decreasing}): pass as soon as every check holds, fail on a crash, a stall, a
                   rising or NaN loss, or the window closing first (needs ID and --profile; polls every
                   --every, default 1m here)
  --json           the result as JSON on stdout (progress lines still go to stderr)
  --api-url URL    API base URL
  --api-key KEY    API key
  -h, --help       this help

${exitStatusHelp([
  `${WAIT_EXIT.crashed}  crashed (the triage bundle is printed)`,
  `${WAIT_EXIT.timeout}  timed out`,
  `${WAIT_EXIT.gone}  the instance is gone (destroyed), or no instance matches --fleet`,
  `${WAIT_INVALID_EXIT}  --validate: the run failed its validation window`,
  '(0 also means: completed, or reached --until)',
])}`;

/** `vastdeck wait`: exits with the common codes (0 ok, 1 error, 2 usage) or its outcome codes (WAIT_EXIT). */
export async function waitCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      fleet: { type: 'string' },
      timeout: { type: 'string' },
      every: { type: 'string' },
      until: { type: 'string' },
      json: { type: 'boolean' },
      profile: { type: 'string' },
      profiles: { type: 'string' },
      validate: { type: 'boolean' },
    },
    'wait',
  );
  if (values.help) return (printText(waitHelp), 0);
  const target = targetOf(positionals, values.fleet);
  const timeoutMs = durationFlag(values.timeout ?? '8h', 'timeout');
  const everyMs =
    values.every === undefined
      ? values.validate
        ? 60_000
        : WAIT_DEFAULT_EVERY_MS
      : durationFlag(values.every, 'every');
  if (everyMs < WAIT_MIN_EVERY_MS)
    throw new UsageError(`--every must be at least 30s (Vast rate limits; got "${values.every}")`);
  const untilStep = intFlag(values.until, 'until', 0, Number.MAX_SAFE_INTEGER);
  const profile = values.profile
    ? await loadProfile(values.profile, values.profiles ?? defaultProfilesPath())
    : undefined;
  const counter = profile?.progress && compileProgressCounter(profile.progress);
  const ctx = await makeContext(values);
  const key = (await resolveApiKey(values['api-key']))?.key;
  const secrets = key ? [key] : [];
  if (ctx.config.notify?.webhook) registerSecret(ctx.config.notify.webhook);
  const notifier = notifierFromConfig(ctx.config.notify, {
    bell: process.stderr.isTTY ? process.stderr : undefined,
    secrets,
  });
  if (values.validate) {
    if (!('id' in target)) throw new UsageError('--validate watches one instance: give its ID, not --fleet');
    if (!profile?.validate)
      throw new UsageError(
        `--validate needs --profile P with a validate: block (e.g. validate: {within: 10m, minSteps: 50, loss: ` +
          `decreasing})${profile ? `; profile ${values.profile} has none` : ''}`,
      );
    const v = await waitValidation({
      api: ctx.client,
      id: target.id,
      spec: profile.validate,
      counter,
      everyMs,
      health: new ApiLogHealth(ctx.client, { redact: secrets, counter }),
      onPoll: (x) => warn(redact(`[${new Date().toISOString().slice(11, 19)}] ${target.id} validation ${x.summary}\n`)),
    });
    if (v.state === 'fail') {
      for (const r of await notifier.notify({
        kind: 'validation',
        title: `validation failed: ${v.summary.replace(/^FAIL: /, '')}`,
        instanceId: target.id,
        at: Date.now(),
      })) {
        if (!r.ok) warn(`vastdeck: ${r.channel} notification failed: ${r.error}\n`);
      }
    }
    if (values.json) printJson({ instanceId: target.id, validation: v });
    else printText(`instance ${target.id} validation ${v.summary}`);
    return v.state === 'pass' ? 0 : WAIT_INVALID_EXIT;
  }
  const result = await waitFor({
    api: ctx.client,
    target,
    timeoutMs,
    everyMs,
    untilStep,
    notifier,
    onEvent: progress,
    budget: ctx.config.budget,
    health: new ApiLogHealth(ctx.client, { redact: secrets, counter }),
  });
  if (values.json) printJson(result);
  else {
    for (const bundle of result.triage) printText(renderTriageText(bundle));
    printText(result.message);
  }
  return result.exitCode;
}

function targetOf(positionals: string[], fleet: string | undefined): { id: number } | { fleet: string } {
  if (fleet !== undefined && positionals.length > 0)
    throw new UsageError('wait: give an instance ID or --fleet PREFIX, not both');
  if (fleet !== undefined) {
    if (fleet === '') throw new UsageError('--fleet needs a label prefix');
    return { fleet };
  }
  if (positionals.length !== 1)
    throw new UsageError('wait: give one instance ID or --fleet PREFIX; see `vastdeck wait --help`');
  return { id: instanceId(positionals[0]!, 'wait') };
}

/** One stderr line per poll and per notification problem: sparse, so it can sit in a tmux pane or a log. */
function progress(ev: WaitEvent): void {
  const t = new Date(ev.at).toISOString().slice(11, 19);
  let line: string | undefined;
  if (ev.type === 'poll') {
    line = ev.members
      .map(
        (m) =>
          `${m.id} ` +
          `${m.health.state}` +
          (m.health.step !== undefined
            ? ` ${m.health.unit && m.health.unit !== 'steps' ? m.health.unit : 'step'} ` +
              `${m.health.step}${m.health.total ? `/${m.health.total}` : ''}`
            : '') +
          `${m.error ? ' (health unreadable)' : ''}`,
      )
      .join(', ');
  } else if (ev.type === 'error') line = `poll failed, will retry: ${ev.message}`;
  else if (ev.type === 'stall') line = `${ev.member.id} stalled: ${ev.member.health.detail ?? ''}`;
  else for (const r of ev.results) if (!r.ok) line = `${r.channel} notification failed: ${r.error}`;
  if (line) warn(redact(`[${t}] ${line}\n`));
}
