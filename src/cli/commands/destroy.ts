/**
 * `vastdeck destroy ID…` and `vastdeck down PREFIX`: look before destroying. Each instance's newest checkpoint
 * on its host is compared with the profile's store; unverified ones are refused unless forced (--force in
 * scripts, or typing the instance's label at the prompt). --yes skips the prompt only for verified ones.
 */
import { createInterface } from 'node:readline/promises';
import { instanceId, parseCommand } from '../args.js';
import { makeContext, refuseIfReadOnly, type CliContext } from '../context.js';
import { printJson, printText, UsageError, warn } from '../output.js';
import { readJournal } from '../../core/journal/journal.js';
import { runIdOfInstance } from '../../core/checkpoints/run-id.js';
import { defaultProfilesPath, loadProfile } from '../../core/profiles/load.js';
import { profileRunDir, readInstanceCheckpoint, type OpenedStore } from '../../core/checkpoints/index.js';
import {
  executeDestroy,
  planDestroy,
  type DestroyEvent,
  type DestroyPlan,
  type DestroyResult,
} from '../../core/ops/destroy.js';
import type { Instance } from '../../core/vast/types.js';
import type { Profile } from '../../core/profiles/schema.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { confirms, confirmTarget } from '../../core/ops/destroy-confirm.js';
import { formatRateExact } from '../../core/present/money.js';

const OPTIONS_HELP = `Options:
  --profile P        profile whose checkpoint store (and onstart.runDir) verifies the checkpoints
  --profiles FILE    profiles file (default ${defaultProfilesPath().replace(process.env.HOME ?? '\0', '~')})
  --run-dir DIR      run dir on the host holding checkpoint-N (default: the profile's onstart.runDir, else
                     /workspace/run, as migrate)
  --yes              no prompt for instances whose newest checkpoint is verified
  --force            destroy unverified instances too, without a prompt (for scripts)
  --json             plans and results as JSON on stdout (progress stays on stderr)
  --api-url URL, --api-key KEY, -h/--help`;

/** Help for `vastdeck destroy`. */
export const destroyHelp = `Usage: vastdeck destroy ID… [--profile P] [--yes] [--force] [--json]

Destroy instances, never before their newest checkpoint is verified off the host. For each instance vastdeck
reads the newest checkpoint-N on the host over SSH and hashes its files there (sha256), then compares them
with what the profile's store holds (Hugging Face Hub LFS sha256 / blob ids, rsync path hashed where it is, or
hashes printed by the command). Verified by content: asks y/N (or --yes). Anything else — behind, incomplete
upload, another run's checkpoint, unverifiable, not found, no store, store or host unreachable — is refused
and says what would be lost (steps, hours, dollars): type the instance's label at the prompt, or pass
--force, to destroy anyway. After the request vastdeck confirms the instance is gone.
Every destroy is journaled before and after. Exit 0 only when every instance was destroyed.

${OPTIONS_HELP}`;

/** Help for `vastdeck down`. */
export const downHelp = `Usage: vastdeck down PREFIX [--profile P] [--yes] [--force] [--json]

Destroy every instance whose label starts with PREFIX: lists them all first, then verifies and destroys each
one exactly as \`vastdeck destroy\` does (unverified ones are refused unless forced).

${OPTIONS_HELP}`;

/** How the user answers a prompt (tests pass a fake). */
export type Ask = (question: string) => Promise<string>;

/** Whether to destroy one planned instance: --yes/--force, else a prompt when interactive, else refuse. */
export async function decideDestroy(
  plan: DestroyPlan,
  flags: { yes?: boolean; force?: boolean },
  ask: Ask | null,
): Promise<{ go: boolean; force: boolean; why?: string }> {
  const name = confirmTarget(plan.label, plan.instanceId).text;
  if (plan.safe) {
    if (flags.yes || flags.force) return { go: true, force: false };
    if (!ask) return { go: false, force: false, why: 'not confirmed: pass --yes to destroy without a prompt' };
    const a = (await ask(`destroy ${plan.instanceId} (${name})? [y/N] `)).trim().toLowerCase();
    return a === 'y' || a === 'yes' ? { go: true, force: false } : { go: false, force: false, why: 'not confirmed' };
  }
  if (flags.force) return { go: true, force: true };
  if (!ask) return { go: false, force: false };
  const target = confirmTarget(plan.label, plan.instanceId);
  const typed = await ask(
    `NOT VERIFIED: ${plan.summary}\nType the ${target.what} "${target.text}" to destroy ${plan.instanceId} ` +
      `anyway (anything else keeps it): `,
  );
  return confirms(typed, plan.label, plan.instanceId)
    ? { go: true, force: true }
    : { go: false, force: false, why: `kept: ${target.what} not typed` };
}

/** `vastdeck destroy ID…`. */
export async function destroyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, 'destroy');
  if (values.help) return (printText(destroyHelp), 0);
  if (positionals.length === 0)
    throw new UsageError('destroy: give at least one instance ID; see `vastdeck destroy --help`');
  const ids = positionals.map((p) => instanceId(p, 'destroy'));
  await refuseIfReadOnly(values, 'destroy');
  const ctx = await makeContext(values, ['ssh', 'journal']);
  const all = await ctx.client.listInstances();
  const missing = ids.filter((id) => !all.some((i) => i.id === id));
  for (const id of missing) warn(`instance ${id} is not in your account (already destroyed?)\n`);
  const chosen = all.filter((i) => ids.includes(i.id));
  const code = await run(values, chosen, ctx);
  return missing.length ? 1 : code;
}

/** `vastdeck down PREFIX`. */
export async function downCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, 'down');
  if (values.help) return (printText(downHelp), 0);
  const prefix = positionals[0];
  if (!prefix || positionals.length > 1)
    throw new UsageError('down: give exactly one label PREFIX; see `vastdeck down --help`');
  await refuseIfReadOnly(values, 'down (destroy)');
  const ctx = await makeContext(values, ['ssh', 'journal']);
  const chosen = (await ctx.client.listInstances())
    .filter((i) => (i.label ?? '').startsWith(prefix))
    .sort((a, b) => a.id - b.id);
  if (chosen.length === 0) {
    warn(`no instance has a label starting with "${sanitizeLine(prefix)}"\n`);
    if (values.json) printJson([]);
    return 0;
  }
  // Everything that will be looked at, before any verification or prompt.
  warn(`${chosen.length} instance${chosen.length > 1 ? 's' : ''} labelled ${sanitizeLine(prefix)}*:\n`);
  for (const i of chosen)
    warn(`  ${i.id}  ${sanitizeLine(i.label ?? '')}  ${i.status}  ${formatRateExact(i.dphTotal)}/hr\n`);
  return run(values, chosen, ctx);
}

type Flags = ReturnType<typeof parse>['values'];

function parse(argv: string[], name: string) {
  return parseCommand(
    argv,
    {
      profile: { type: 'string' },
      profiles: { type: 'string' },
      'run-dir': { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    name,
  );
}

async function run(values: Flags, chosen: Instance[], ctx: CliContext<'ssh' | 'journal'>): Promise<number> {
  const profile: Profile | null = values.profile
    ? await loadProfile(values.profile, values.profiles ?? defaultProfilesPath())
    : null;
  const store: OpenedStore | null = profile?.checkpoint ? await ctx.checkpointStore(profile.checkpoint) : null;
  if (!profile)
    warn('no --profile: no checkpoint store to verify against, so every destroy needs --force or the typed label\n');
  // As migrate finds it: --run-dir, else the profile's onstart.runDir, else /workspace/run.
  const runDir = profileRunDir(profile, values['run-dir']);
  const pool = ctx.ssh('default');
  const journal = ctx.journal();
  const interactive = !!process.stdin.isTTY && !!process.stderr.isTTY;
  const rl = interactive ? createInterface({ input: process.stdin, output: process.stderr }) : null;
  const ask: Ask | null = rl ? (q) => rl.question(q) : null;
  const rows: Array<DestroyPlan & { outcome: DestroyResult['outcome']; message: string }> = [];
  // Each instance's run id (journal, else its label's nonce) names another run's checkpoint in the store.
  const records = (await readJournal(ctx.paths.journal).catch(() => ({ records: [] }))).records;
  try {
    for (const inst of chosen) {
      const plan = await planDestroy(inst, {
        store: store?.reader ?? null,
        exclude: store?.exclude,
        runId: runIdOfInstance(inst, records),
        readHost: () =>
          readInstanceCheckpoint(pool, inst, runDir, 'pass --run-dir or set onstart.runDir in the profile'),
      });
      warn(`${plan.instanceId} ${sanitizeLine(plan.label ?? '')}: ${plan.summary}\n`);
      const d = await decideDestroy(plan, values, ask);
      let result: DestroyResult;
      if (!d.go) {
        const why = d.why ?? `refused: ${plan.summary} (use --force, or type the label at the prompt)`;
        result = {
          instanceId: plan.instanceId,
          outcome: 'refused',
          forced: false,
          message: `${plan.instanceId} ${why}`,
        };
      } else {
        result = await executeDestroy(
          { api: ctx.client, journal, sleep: (ms) => new Promise((r) => setTimeout(r, ms)), now: Date.now },
          plan,
          { force: d.force, onEvent: progress },
        );
      }
      rows.push({ ...plan, outcome: result.outcome, message: result.message });
      if (!values.json) printText(result.message);
    }
  } finally {
    rl?.close();
    await ctx.close();
  }
  if (values.json) printJson(rows);
  return rows.every((r) => r.outcome === 'destroyed') ? 0 : 1;
}

function progress(e: DestroyEvent): void {
  if (e.type === 'retry') warn(`destroy ${e.instanceId}: ${e.message}; retrying in ${Math.round(e.waitMs / 1000)} s\n`);
  if (e.type === 'still-listed') warn(`instance ${e.instanceId} is still listed (check ${e.check}); waiting\n`);
}
