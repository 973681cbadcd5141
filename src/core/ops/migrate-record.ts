/**
 * What a migration writes to the journal and reads back to continue after a crash: its spec (everything needed
 * to start over: source, profile, offer, run dir) on the opening `migrate` record, and its accumulated state on
 * every step's `after` record. Both are validated with zod when read, because the journal is bytes from disk.
 */
import * as z from 'zod';
import type { JournalInput, JournalRecord } from '../journal/record.js';

/** The eight steps, in order. */
export const MIGRATE_STEPS = [
  'verify-source',
  'provision',
  'boot',
  'target-checkpoint',
  'resume',
  'advancing',
  'destroy-source',
  'continuation',
] as const;
/** One step's name. */
export type MigrateStep = (typeof MIGRATE_STEPS)[number];

/** Human names of the steps, for progress lines and the wizard. */
export const STEP_TITLES: Record<MigrateStep, string> = {
  'verify-source': 'verify the checkpoint off the source host',
  provision: 'rent the target',
  boot: 'wait for boot and onstart',
  'target-checkpoint': 'checkpoint on the target',
  resume: 'start training from the checkpoint',
  advancing: 'step advancing on the target',
  'destroy-source': 'destroy the source',
  continuation: 'update the continuation file',
};

/** Everything a migration needs to be continued later (journaled at its start). */
export const migrationSpecSchema = z.object({
  /** 8 base-36 characters; also the nonce tag on the target's label, so the target can always be found. */
  id: z.string().regex(/^[a-z0-9]{8}$/),
  sourceId: z.number().int(),
  profileName: z.string().min(1),
  profilesFile: z.string().min(1),
  offerId: z.number().int().nullable().default(null),
  runDir: z.string().min(1),
  logPath: z.string().min(1),
  continuation: z.string().nullable().default(null),
  /** Resume from the newest verified checkpoint even when the host has a newer one not yet off it. */
  allowBehind: z.boolean().default(false),
  /** Copy the newest checkpoint into the store first (rsync stores). */
  sync: z.boolean().default(false),
  price: z
    .union([
      z.object({ kind: z.literal('on-demand') }),
      z.object({ kind: z.literal('bid'), bid: z.union([z.number(), z.literal('auto')]) }),
    ])
    .default({ kind: 'on-demand' }),
});

/** A migration's spec. */
export type MigrationSpec = z.infer<typeof migrationSpecSchema>;

/** What the steps found so far (journaled after each step). */
export const migrationStateSchema = z.object({
  done: z.array(z.enum(MIGRATE_STEPS)).default([]),
  verifiedStep: z.number().int().nullable().default(null),
  targetId: z.number().int().nullable().default(null),
  targetLabel: z.string().nullable().default(null),
  /** The offer the target was rented on, and offers whose rentals got stuck or died (never tried again). */
  targetOfferId: z.number().int().nullable().default(null),
  badOffers: z.array(z.number().int()).default([]),
  firstStep: z.number().int().nullable().default(null),
  laterStep: z.number().int().nullable().default(null),
  sourceDestroyed: z.boolean().default(false),
});

/** A migration's state. */
export type MigrationState = z.infer<typeof migrationStateSchema>;

/** A fresh state. */
export function emptyState(): MigrationState {
  return migrationStateSchema.parse({});
}

/** One migration as the journal tells it. */
export interface JournaledMigration {
  spec: MigrationSpec;
  state: MigrationState;
  /** The closing `migrate` after record is there (it completed, or was aborted). */
  finished: boolean;
  /** It was given up with `vastdeck migrate --abort`. */
  aborted: boolean;
  /** The last error record's message, when the last thing that happened was an error. */
  lastError: string | null;
  startedAt: number;
}

/** Every migration in the journal, oldest first. Records that fail validation are skipped. */
export function migrationsFromJournal(records: readonly JournalRecord[]): JournaledMigration[] {
  const byId = new Map<string, JournaledMigration>();
  for (const r of records) {
    if (r.op !== 'migrate' && !r.op.startsWith('migrate.')) continue;
    const id = r.ids.runId;
    if (!id) continue;
    if (r.op === 'migrate' && r.phase === 'before') {
      const spec = migrationSpecSchema.safeParse(r.details.spec);
      if (spec.success)
        byId.set(id, {
          spec: spec.data,
          state: emptyState(),
          finished: false,
          aborted: false,
          lastError: null,
          startedAt: r.ts,
        });
      continue;
    }
    const m = byId.get(id);
    if (!m) continue;
    if (r.op === 'migrate' && r.phase === 'after') {
      m.finished = true;
      m.aborted = r.details.aborted === true;
    }
    if (r.phase === 'error') m.lastError = typeof r.details.message === 'string' ? r.details.message : 'failed';
    if (r.phase === 'after' && r.op !== 'migrate') {
      const st = migrationStateSchema.safeParse(r.details.state);
      if (st.success) m.state = st.data;
      m.lastError = null;
      // Stopped by the user (x in the TUI, Ctrl-C in the CLI): nothing failed, --resume continues it.
      if (r.op === 'migrate.pause')
        m.lastError =
          `paused during step ${String(r.details.index ?? '?')}: ` +
          `${typeof r.details.reason === 'string' ? r.details.reason : 'stopped'}`;
    }
  }
  return [...byId.values()].sort((a, b) => a.startedAt - b.startedAt);
}

/**
 * The closing record of a migration given up with `migrate --abort`: it ends the migration in the journal (no
 * more resume offers) and touches nothing on Vast. It names the state, so the journal says what was left.
 */
export function abortRecord(m: JournaledMigration): JournalInput {
  return {
    op: 'migrate',
    phase: 'after',
    ids: { runId: m.spec.id, instanceId: m.state.targetId ?? m.spec.sourceId },
    details: { aborted: true, state: m.state },
  };
}

/** What an abort leaves behind, in one or two sentences for the user. */
export function abortSummary(m: JournaledMigration): string {
  const parts = [`aborted migration ${m.spec.id} (${m.state.done.length} of 8 steps done)`];
  parts.push(
    m.state.sourceDestroyed
      ? `the source ${m.spec.sourceId} was already destroyed`
      : `the source ${m.spec.sourceId} is untouched`,
  );
  if (m.state.targetId !== null) {
    parts.push(
      `the target ${m.state.targetId}${m.state.targetLabel ? ` (${m.state.targetLabel})` : ''} was rented and ` +
        `is not destroyed: check \`vastdeck instances\` and remove it with \`vastdeck destroy ` +
        `${m.state.targetId}\` if you do not want it`,
    );
  }
  return parts.join('; ');
}

/** Migrations that started and never finished (killed, or stopped at an error), oldest first. */
export function interruptedMigrations(records: readonly JournalRecord[]): JournaledMigration[] {
  return migrationsFromJournal(records).filter((m) => !m.finished);
}
